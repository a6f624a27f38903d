-- KEYS: registry, alive key. ARGV: worker, ttl (ms). 0: this worker was given up for dead.
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
return 1

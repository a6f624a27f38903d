-- KEYS: queue, lease set, registry. ARGV: worker. Only a registered worker may take work:
-- once given up for dead it must not take requests nobody would ever give back.
if redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 0 then return false end
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return false end
redis.call('ZREM', KEYS[1], top[1])
redis.call('ZADD', KEYS[2], top[2], top[1])
return top[1]

-- KEYS: registry, queue, seen-set, alive key of the worker (or "" for a push).
-- ARGV: the worker to register, or "" (a push); its heartbeat TTL in ms.
-- Registration and the first heartbeat are one step: no other worker's recovery can ever
-- find this worker registered without its alive key. With no other worker registered and
-- nothing queued, the last run is over (it may have been stopped just as it ended): its
-- seen-set goes, and a new run starts. Returns 1 when a new run started.
local others = redis.call('SCARD', KEYS[1])
if ARGV[1] ~= '' then
  others = others - redis.call('SISMEMBER', KEYS[1], ARGV[1])
  redis.call('SET', KEYS[4], '1', 'PX', ARGV[2])
  redis.call('SADD', KEYS[1], ARGV[1])
end
if others == 0 and redis.call('ZCARD', KEYS[2]) == 0 then
  return redis.call('DEL', KEYS[3])
end
return 0

-- KEYS: queue, registry, seen-set. ARGV: lease prefix, done prefix, "clear".
-- Returns {queued, leased in flight, leased done, cleared}. With "clear", the seen-set is
-- dropped only if nothing is queued or leased anywhere: the run is over.
local queued = redis.call('ZCARD', KEYS[1])
local busy, held = 0, 0
for _, w in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  busy = busy + redis.call('ZCARD', ARGV[1] .. w)
  held = held + redis.call('ZCARD', ARGV[2] .. w)
end
local cleared = 0
if ARGV[3] == 'clear' and queued + busy + held == 0 then
  redis.call('DEL', KEYS[3])
  cleared = 1
end
return {queued, busy, held, cleared}

-- KEYS: queue, registry. ARGV: alive prefix, lease prefix, done prefix. Returns the workers
-- whose requests went back to the queue.
-- Runs after requeue.lua (requeue(queue, worker)).
local recovered = {}
for _, w in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', ARGV[1] .. w) == 0 then
    requeue(KEYS[1], w)
    table.insert(recovered, w)
  end
end
return recovered

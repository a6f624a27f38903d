-- requeue(queue, worker): its leased and done requests back to the queue, and it leaves the
-- registry (KEYS[2]); ARGV[1..3]: alive, lease and done prefixes.
local function requeue(queue, w)
  for _, key in ipairs({ARGV[2] .. w, ARGV[3] .. w}) do
    local items = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
    for i = 1, #items, 2 do redis.call('ZADD', queue, items[i + 1], items[i]) end
    redis.call('DEL', key)
  end
  redis.call('SREM', KEYS[2], w)
  redis.call('DEL', ARGV[1] .. w)
end

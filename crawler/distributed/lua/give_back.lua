-- Same as recover.lua, for one worker that gives its own work back. ARGV[4]: the worker.
-- Runs after requeue.lua (requeue(queue, worker)).
requeue(KEYS[1], ARGV[4])
return 1

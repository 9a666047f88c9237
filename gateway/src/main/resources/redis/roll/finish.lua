-- finish.lua: records how a job ended and releases the lock if the job still holds it, at once: a reader never
-- sees a job that has ended still holding the lock, nor one still running without it unless its gateway stopped.
-- Running it twice writes the same.
-- KEYS[1] gw:{el:E}:import           the lock (lock.lua)
-- KEYS[2] gw:{el:E}:import:J         the job (begin.lua)
-- KEYS[3] gw:{el:E}:import:J:lines   its line report (progress.lua)
-- ARGV    job_id, status (done or failed), finished_ms, lines_read, imported, created, rejected, unreachable,
--         result (the report's JSON when done, the error's when failed), keep_ms
-- RETURNS an empty list
redis.call('HSET', KEYS[2], 's', ARGV[2], 'fa', ARGV[3], 'lr', ARGV[4], 'im', ARGV[5], 'cr', ARGV[6],
  'rj', ARGV[7], 'un', ARGV[8])
if ARGV[2] == 'done' then
  redis.call('HSET', KEYS[2], 'r', ARGV[9])
else
  redis.call('HSET', KEYS[2], 'e', ARGV[9])
end
redis.call('PEXPIRE', KEYS[2], ARGV[10])
redis.call('PEXPIRE', KEYS[3], ARGV[10])
if redis.call('HGET', KEYS[1], 't') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return {}

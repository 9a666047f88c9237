-- progress.lua: a running job's counts so far and its line report's next lines. A job that has ended is left as
-- it is (a late write cannot turn it back into a running one).
-- KEYS[1] gw:{el:E}:import:J         the job (begin.lua)
-- KEYS[2] gw:{el:E}:import:J:lines   list: its line report, chunks of CSV lines in line order
-- ARGV    lines_read, imported, created, rejected, unreachable, keep_ms, csv_lines ("" when none)
-- RETURNS an empty list
if redis.call('HGET', KEYS[1], 's') ~= 'running' then return {} end
redis.call('HSET', KEYS[1], 'lr', ARGV[1], 'im', ARGV[2], 'cr', ARGV[3], 'rj', ARGV[4], 'un', ARGV[5])
if ARGV[7] ~= '' then
  redis.call('RPUSH', KEYS[2], ARGV[7])
  redis.call('PEXPIRE', KEYS[2], ARGV[6]) -- a job whose gateway stops leaves no report behind for ever
end
return {}

-- lock.lua: takes an election's import lock for one import, unless another import holds it: one import of a
-- roll at a time, across gateway instances. The lock is a lease: a holder whose lease has run out by now_ms (its
-- gateway stopped without releasing it) is replaced. The decision uses now_ms; the TTL only garbage-collects.
-- KEYS[1] gw:{el:E}:import   hash: t the holder's token, u its lease's end (ms), j 1 once the holder is a job
--                            with a record (begin.lua), else 0
-- ARGV    now_ms, token, until_ms (the lease's end), ttl_ms
-- RETURNS {HELD} | {BUSY, the holder's job id, or "" when the holder has no job record}    (ImportLockReply)
--#include redis/lib/import.lua
local held = redis.call('HMGET', KEYS[1], 't', 'u', 'j')
if held[1] and held[1] ~= ARGV[2] and tonumber(held[2]) > tonumber(ARGV[1]) then
  if held[3] == '1' then return {BUSY, held[1]} end
  return {BUSY, ''}
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 't', ARGV[2], 'u', ARGV[3], 'j', '0')
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {HELD}

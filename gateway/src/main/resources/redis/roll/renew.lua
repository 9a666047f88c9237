-- renew.lua: extends the lease of an import still running, if the lock is still its own (one whose lease ran
-- out may have been taken over: it is then not taken back, and the import learns it has lost the lock).
-- KEYS[1] gw:{el:E}:import   the lock (lock.lua)
-- ARGV    token, until_ms (the lease's new end), ttl_ms
-- RETURNS {HELD} | {LOST}                                                                   (ImportLockReply)
--#include redis/lib/import.lua
if redis.call('HGET', KEYS[1], 't') ~= ARGV[1] then return {LOST} end
redis.call('HSET', KEYS[1], 'u', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {HELD}

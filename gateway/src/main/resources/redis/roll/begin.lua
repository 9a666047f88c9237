-- begin.lua: records an import job as running once its roll's header is read, if the lock is still its own;
-- from then on the lock names the job to a second import (which gets 409 with its id).
-- KEYS[1] gw:{el:E}:import     the lock (lock.lua); its token is the job's id
-- KEYS[2] gw:{el:E}:import:J   the job (hash): s status, sa started ms, fa finished ms, lr lines read,
--                              im imported, cr created, rj rejected, un unreachable, r report, e error
-- ARGV    job_id, started_ms, keep_ms
-- RETURNS {HELD} | {LOST}                                                                   (ImportLockReply)
--#include redis/lib/import.lua
if redis.call('HGET', KEYS[1], 't') ~= ARGV[1] then return {LOST} end
redis.call('HSET', KEYS[1], 'j', '1')
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 's', 'running', 'sa', ARGV[2], 'lr', 0, 'im', 0, 'cr', 0, 'rj', 0, 'un', 0)
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return {HELD}

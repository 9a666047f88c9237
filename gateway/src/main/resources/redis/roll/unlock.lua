-- unlock.lua: releases an election's import lock, if the import ending still holds it (a synchronous import, or
-- a job refused at its header: neither has a job record to write).
-- KEYS[1] gw:{el:E}:import   the lock (lock.lua)
-- ARGV    token
-- RETURNS an empty list
if redis.call('HGET', KEYS[1], 't') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return {}

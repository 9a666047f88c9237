-- session_end.lua: ends a session (logout).
-- KEYS[1] gw:{v:P}:s:T  session hash
-- RETURNS {0} no such session | {1, election_id, session_id}
local s = redis.call('HMGET', KEYS[1], 'e', 'sid')
if not s[1] then return {0} end
redis.call('DEL', KEYS[1])
return {1, s[1], s[2]}

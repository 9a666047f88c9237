-- session_end.lua: ends a session (logout).
-- KEYS[1] gw:{v:P}:s:T  session hash
-- RETURNS {NO_SESSION} | {ENDED, election_id, session_id}   (EndReply)
local NO_SESSION, ENDED = 0, 1
local s = redis.call('HMGET', KEYS[1], 'e', 'sid')
if not s[1] then return {NO_SESSION} end
redis.call('DEL', KEYS[1])
return {ENDED, s[1], s[2]}

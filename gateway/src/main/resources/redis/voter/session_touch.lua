-- session_touch.lua: is this session active? If so, slide its inactivity timer.
-- KEYS[1] gw:{v:P}:s:T  session hash (e, c, sid, ip, t opened at ms, a last access ms)
-- ARGV    now_ms, idle_ms
-- RETURNS {INACTIVE} | {ACTIVE, election_id, college, session_id, ip, opened_ms}   (TouchReply)
local INACTIVE, ACTIVE = 0, 1
local s = redis.call('HMGET', KEYS[1], 'e', 'c', 'sid', 'ip', 'a', 't')
if not s[1] then return {INACTIVE} end
local now_ms, idle_ms = tonumber(ARGV[1]), tonumber(ARGV[2])
-- the decision uses now_ms from the gateway's clock; PEXPIRE only garbage-collects
if now_ms - tonumber(s[5]) >= idle_ms then
  redis.call('DEL', KEYS[1])
  return {INACTIVE}
end
redis.call('HSET', KEYS[1], 'a', now_ms)
redis.call('PEXPIRE', KEYS[1], idle_ms)
-- when the session was opened (the grace period after the close is for sessions opened before it)
return {ACTIVE, s[1], s[2], s[3], s[4], tonumber(s[6]) or 0}

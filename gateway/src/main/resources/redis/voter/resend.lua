-- resend.lua: the code again, on the same channel or another one the college allows. Bounded per challenge.
-- While the code is valid the SAME code is sent again (so a late message from a fallback provider never
-- carries a code a resend has invalidated); once it has expired, a new code with a fresh validity.
-- KEYS[1] gw:{v:P}      voter hash
-- KEYS[2] gw:{v:P}:ch   challenge hash (id, r, ch, x, nid)
-- KEYS[3..] the rate limits (ScriptLimits), decided first
-- ARGV    now_ms, challenge_id, otp_hash, otp_expires_ms, max_resends, channel ("" keeps the challenge's),
--         colleges_allowing_channel (",a,b,", used when channel is given), notification_id (for a new code),
--         then the limits' now_us and triplets (ARGV[9..])
-- RETURNS {RATE_LIMITED, retry_us, worst, remaining, reset_us...} | {LOCKED, 0} | {NO_CHALLENGE} | {RESEND_LIMIT}
--         | {CHANNEL_NOT_ALLOWED} | {NO_DESTINATION}
--         | {OK, channel, destination_field, destination_enc, resends_left, same_code_notification_id or ""}
--                                                                                     (VoterReply)
--#include redis/lib/voter.lua
--#include ratelimit/lib/gcra.lua
local voter, challenge = KEYS[1], KEYS[2]
local limits = rl_limits(3, 10, #KEYS - 2)
local now_us = tonumber(ARGV[9])
local allowed, retry, worst, states = rl_check(limits, now_us, 1)
if allowed == 0 then return rl_reply({RATE_LIMITED}, retry, worst, states) end
local v = redis.call('HMGET', voter, 'c', 'la')
if v[2] then return {LOCKED, 0} end
local ch = redis.call('HMGET', challenge, 'id', 'r', 'ch', 'x', 'nid')
if not ch[1] or ch[1] ~= ARGV[2] or not v[1] then return {NO_CHALLENGE} end
local resends = tonumber(ch[2])
local max_resends = tonumber(ARGV[5])
if resends >= max_resends then return {RESEND_LIMIT} end
local channel = ch[3]
if ARGV[6] ~= '' then
  if not string.find(ARGV[7], ',' .. v[1] .. ',', 1, true) then return {CHANNEL_NOT_ALLOWED} end
  channel = ARGV[6]
end
local dest = destination(voter, channel, '', '')
if not dest then return {NO_DESTINATION} end
if tonumber(ARGV[1]) < tonumber(ch[4]) and ch[5] and ch[5] ~= '' then
  redis.call('HSET', challenge, 'r', resends + 1, 'ch', channel)
  rl_charge_mode(limits, now_us, RL_ON_SUCCESS)
  return {OK, channel, dest[1], dest[2], max_resends - resends - 1, ch[5]}
end
redis.call('HSET', challenge, 'h', ARGV[3], 'x', ARGV[4], 'r', resends + 1, 'ch', channel, 'nid', ARGV[8])
rl_charge_mode(limits, now_us, RL_ON_SUCCESS)
return {OK, channel, dest[1], dest[2], max_resends - resends - 1, ''}

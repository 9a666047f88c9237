-- resend.lua: the code again, on the same channel or another one the college allows. Bounded per challenge.
-- While the code is valid the SAME code is sent again (so a late message from a fallback provider never
-- carries a code a resend has invalidated); once it has expired, a new code with a fresh validity.
-- A repeat of an Idempotency-Key answers the first outcome, with nothing counted or charged again.
-- KEYS[1] gw:{v:P}      voter hash
-- KEYS[2] gw:{v:P}:ch   challenge hash (id, r, ch, x, nid, lg)
-- KEYS[3] gw:{v:P}:i:K  the outcome kept for an Idempotency-Key (K: keyed hash of election, step and key)
-- KEYS[4..] the rate limits (ScriptLimits), decided first
-- ARGV    now_ms, challenge_id, otp_hash, otp_expires_ms, max_resends, channel ("" keeps the challenge's),
--         colleges_allowing_channel (",a,b,", used when channel is given), notification_id (for a new code),
--         idem_ttl_ms (0: no key), code_enc (the new code, encrypted: kept with the outcome for a repeat),
--         then the limits' now_us and triplets (ARGV[11..])
-- RETURNS {RATE_LIMITED, retry_us, worst, remaining, reset_us...} | {LOCKED, 0} | {NO_CHALLENGE} | {RESEND_LIMIT}
--         | {CHANNEL_NOT_ALLOWED} | {NO_DESTINATION}
--         | {OK, channel, destination_field, destination_enc, resends_left, same_code_notification_id or "",
--            lang (the challenge's, from the first step; "" for one opened before it was kept)}
--         | {REPEAT, challenge_id, notification_id, code_enc, <the first outcome...>}  (VoterReply)
--#include redis/lib/voter.lua
--#include ratelimit/lib/gcra.lua
local voter, challenge, idem = KEYS[1], KEYS[2], KEYS[3]
local idem_ttl = tonumber(ARGV[9])
local now_us = tonumber(ARGV[11])
local repeated = idem_repeat(idem, idem_ttl)
if repeated then return repeated end

local function step()
  local limits = rl_limits(4, 12, #KEYS - 3)
  local allowed, retry, worst, states = rl_check(limits, now_us, 1)
  if allowed == 0 then return rl_reply({RATE_LIMITED}, retry, worst, states) end
  local v = redis.call('HMGET', voter, 'c', 'la')
  if v[2] then return {LOCKED, 0} end
  local ch = redis.call('HMGET', challenge, 'id', 'r', 'ch', 'x', 'nid', 'lg')
  -- a challenge opened by the secret alone has no code yet: its first one goes through login_channel.lua
  if not ch[1] or ch[1] ~= ARGV[2] or not v[1] or ch[3] == '' then return {NO_CHALLENGE} end
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
    return {OK, channel, dest[1], dest[2], max_resends - resends - 1, ch[5], ch[6] or ''}
  end
  redis.call('HSET', challenge, 'h', ARGV[3], 'x', ARGV[4], 'r', resends + 1, 'ch', channel, 'nid', ARGV[8])
  rl_charge_mode(limits, now_us, RL_ON_SUCCESS)
  return {OK, channel, dest[1], dest[2], max_resends - resends - 1, '', ch[6] or ''}
end

return idem_keep(idem, idem_ttl, step(), ARGV[2], ARGV[8], ARGV[10])

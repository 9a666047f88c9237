-- login_channel.lua: the first code of a challenge that the knowledge secret opened alone (login_secret.lua
-- with no channel): the voter, who proved the secret, chose the channel from his college's. Checks the lock,
-- the channel against the college, the destination (a phone given now is claimed as at the first step), then
-- gives the challenge its channel and code. Once per challenge: one that has a channel is NO_CHALLENGE here.
-- A repeat of an Idempotency-Key answers the first outcome, with nothing decided or charged again.
-- KEYS[1] gw:{v:P}     voter hash (c, la, e, p, lp)
-- KEYS[2] gw:{v:P}:ch  challenge hash (id, ch, lg read; h, x, ch, nid written)
-- KEYS[3] gw:{ph:H}    who a phone given now belongs to (H: keyed hash of election and number)
--                      (Redis Cluster: gw:{v:P}:pc, claim not taken: NEEDS_CLAIM; gw:{v:P}, taken; lib/voter.lua)
-- KEYS[4] gw:{v:P}:i:K the outcome kept for an Idempotency-Key (K: keyed hash of election, step and key)
-- KEYS[5..] the rate limits (ScriptLimits), decided first
-- ARGV    challenge_id, otp_hash, otp_expires_ms, channel, colleges_allowing_channel (",a,b,"),
--         given_phone_enc (or ""), notification_id, idem_ttl_ms (0: no key), code_enc (the code, encrypted:
--         kept with the outcome so a repeat can still send it), then the limits' now_us and triplets (ARGV[10..])
-- RETURNS {RATE_LIMITED, retry_us, worst, remaining, reset_us...} | {LOCKED, 0} | {NO_CHALLENGE}
--         | {CHANNEL_NOT_ALLOWED} | {NO_DESTINATION} | {PHONE_TAKEN} | {NEEDS_CLAIM}
--         | {OK, college, destination_field, destination_enc, lang (the challenge's, from the secret step)}
--         | {REPEAT, challenge_id, notification_id, code_enc, <the first outcome...>}  (VoterReply)
--#include redis/lib/voter.lua
--#include ratelimit/lib/gcra.lua
local voter, challenge, idem = KEYS[1], KEYS[2], KEYS[4]
local idem_ttl = tonumber(ARGV[8])
local now_us = tonumber(ARGV[10])
local repeated = idem_repeat(idem, idem_ttl)
if repeated then return repeated end

local function step()
  local limits = rl_limits(5, 11, #KEYS - 4)
  local allowed, retry, worst, states = rl_check(limits, now_us, 1)
  if allowed == 0 then return rl_reply({RATE_LIMITED}, retry, worst, states) end
  local v = redis.call('HMGET', voter, 'c', 'la')
  if v[2] then return {LOCKED, 0} end
  local ch = redis.call('HMGET', challenge, 'id', 'ch', 'lg')
  if not ch[1] or ch[1] ~= ARGV[1] or not v[1] or ch[2] ~= '' then return {NO_CHALLENGE} end
  if not string.find(ARGV[5], ',' .. v[1] .. ',', 1, true) then return {CHANNEL_NOT_ALLOWED} end
  local dest = destination(voter, ARGV[4], ARGV[6], KEYS[3])
  if dest == NEEDS_CLAIM then return {NEEDS_CLAIM} end
  if dest == false then return {PHONE_TAKEN} end
  if not dest then return {NO_DESTINATION} end
  redis.call('HSET', challenge, 'h', ARGV[2], 'x', ARGV[3], 'ch', ARGV[4], 'nid', ARGV[7])
  rl_charge_mode(limits, now_us, RL_ON_SUCCESS)
  return {OK, v[1], dest[1], dest[2], ch[3] or ''}
end

return idem_keep(idem, idem_ttl, step(), ARGV[1], ARGV[7], ARGV[9])

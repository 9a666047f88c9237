-- login_secret.lua: first login step. Checks the lock and the knowledge secret, counts a failure, or opens
-- a challenge for a one-time code — atomically, so parallel attempts cannot pass the limit.
-- An identifier that is not on the roll is counted and locked exactly like a real one (its key only holds
-- the counter, and expires), so no answer tells whether a voter exists.
-- A repeat of an Idempotency-Key answers the first outcome, with nothing decided, counted or charged again.
-- With no channel (""), the secret only: the challenge opens without a code, and the voter, who has now proved
-- the secret, is told his college and which contacts the roll has; login_channel.lua then sends the first code.
-- The rate limits (ScriptLimits) are decided first: a refused attempt counts nothing else.
-- KEYS[1] gw:{v:P}     voter hash (c, s, f, la, e, p, lp)
-- KEYS[2] gw:{v:P}:ch  challenge hash (replaced): id, h, x, r, ch, nid, lg
-- KEYS[3] gw:{ph:H}    who a phone given at login belongs to (H: keyed hash of election and number)
--                      (Redis Cluster: gw:{v:P}:pc, claim not taken: NEEDS_CLAIM; gw:{v:P}, taken; lib/voter.lua)
-- KEYS[4] gw:{v:P}:i:K the outcome kept for an Idempotency-Key (K: keyed hash of election, step and key)
-- KEYS[5..] the rate limits
-- ARGV    now_ms, max_failures, secret_hash, unknown_ttl_ms, channel, colleges_allowing_channel (",a,b,"),
--         given_phone_enc (or ""), challenge_id, otp_hash, otp_expires_ms, challenge_ttl_ms,
--         notification_id (the outbox notification that will carry the code), idem_ttl_ms (0: no key),
--         code_enc (the code, encrypted: kept with the outcome so a repeat can still send it),
--         lang (the language of the code's messages, kept for a resend: fr, en),
--         then the limits' now_us and triplets (ARGV[16..])
-- RETURNS {RATE_LIMITED, retry_us, worst, remaining, reset_us...} | {LOCKED, failures, locked_now 0|1}
--         | {REJECTED, failures} | {CHANNEL_NOT_ALLOWED} | {NO_DESTINATION} | {PHONE_TAKEN} | {NEEDS_CLAIM}
--         | {OK, college, destination_field, destination_enc}
--         | {OK, college, "", contacts ("e" email, "p" phone, both, or "")}  (channel "": the secret only)
--         | {REPEAT, challenge_id, notification_id, code_enc, <the first outcome...>}  (VoterReply)
--#include redis/lib/voter.lua
--#include ratelimit/lib/gcra.lua
local voter, challenge, idem = KEYS[1], KEYS[2], KEYS[4]
local now_ms, max_failures = tonumber(ARGV[1]), tonumber(ARGV[2])
local idem_ttl = tonumber(ARGV[13])
local now_us = tonumber(ARGV[16])
local repeated = idem_repeat(idem, idem_ttl)
if repeated then return repeated end

local function step()
  local limits = rl_limits(5, 17, #KEYS - 4)
  local allowed, retry, worst, states = rl_check(limits, now_us, 1)
  if allowed == 0 then return rl_reply({RATE_LIMITED}, retry, worst, states) end

  local v = redis.call('HMGET', voter, 'c', 's', 'f', 'la')
  if v[4] then return {LOCKED, tonumber(v[3] or '0'), 0} end

  if not v[1] then
    -- not on the roll: same counting, plus an expiry (TTL only garbage-collects; decisions use now_ms)
    local r = fail(voter, now_ms, max_failures)
    redis.call('PEXPIRE', voter, ARGV[4])
    rl_charge_mode(limits, now_us, RL_ON_FAILURE)
    return r
  end
  if not ct_equal(v[2], ARGV[3]) then
    rl_charge_mode(limits, now_us, RL_ON_FAILURE)
    return fail(voter, now_ms, max_failures)
  end

  -- The secret is right: the caller is the voter; the college's rules may now be told.
  if ARGV[5] == '' then
    redis.call('DEL', challenge)
    redis.call('HSET', challenge, 'id', ARGV[8], 'h', '', 'x', 0, 'r', 0, 'ch', '', 'nid', '', 'lg', ARGV[15])
    redis.call('PEXPIRE', challenge, ARGV[11])
    rl_charge_mode(limits, now_us, RL_ON_SUCCESS)
    local c = redis.call('HMGET', voter, 'e', 'p', 'lp')
    return {OK, v[1], '', (c[1] and 'e' or '') .. ((c[2] or c[3]) and 'p' or '')}
  end
  if not string.find(ARGV[6], ',' .. v[1] .. ',', 1, true) then return {CHANNEL_NOT_ALLOWED} end
  local dest = destination(voter, ARGV[5], ARGV[7], KEYS[3])
  if dest == NEEDS_CLAIM then return {NEEDS_CLAIM} end
  if dest == false then return {PHONE_TAKEN} end
  if not dest then return {NO_DESTINATION} end
  redis.call('DEL', challenge)
  redis.call('HSET', challenge, 'id', ARGV[8], 'h', ARGV[9], 'x', ARGV[10], 'r', 0, 'ch', ARGV[5], 'nid', ARGV[12],
    'lg', ARGV[15])
  redis.call('PEXPIRE', challenge, ARGV[11])
  rl_charge_mode(limits, now_us, RL_ON_SUCCESS)
  return {OK, v[1], dest[1], dest[2]}
end

return idem_keep(idem, idem_ttl, step(), ARGV[8], ARGV[12], ARGV[14])

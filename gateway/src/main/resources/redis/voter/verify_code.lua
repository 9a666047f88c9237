-- verify_code.lua: second login step. Checks the lock and the one-time code; a wrong code counts as a
-- failure with wrong secrets. The right code is used up, resets the failures and opens the session.
-- KEYS[1] gw:{v:P}       voter hash
-- KEYS[2] gw:{v:P}:ch    challenge hash (id, h, x)
-- KEYS[3] gw:{v:P}:s:T   the new session hash
-- KEYS[4..] the rate limits (ScriptLimits), decided first
-- ARGV    now_ms, max_failures, challenge_id, otp_hash, session_ttl_ms, election_id, session_id, ip, then the
--         limits' now_us and triplets (ARGV[9..])
-- RETURNS {RATE_LIMITED, retry_us, worst, remaining, reset_us...} | {LOCKED, failures, locked_now 0|1}
--         | {NO_CHALLENGE} | {EXPIRED} | {REJECTED, failures} | {OK, college}          (VoterReply)
--#include redis/lib/voter.lua
--#include ratelimit/lib/gcra.lua
local voter, challenge, session = KEYS[1], KEYS[2], KEYS[3]
local now_ms, max_failures = tonumber(ARGV[1]), tonumber(ARGV[2])
local now_us = tonumber(ARGV[9])
local limits = rl_limits(4, 10, #KEYS - 3)
local allowed, retry, worst, states = rl_check(limits, now_us, 1)
if allowed == 0 then return rl_reply({RATE_LIMITED}, retry, worst, states) end
local v = redis.call('HMGET', voter, 'c', 'f', 'la')
if v[3] then return {LOCKED, tonumber(v[2] or '0'), 0} end
local ch = redis.call('HMGET', challenge, 'id', 'h', 'x')
if not ch[1] or ch[1] ~= ARGV[3] or not v[1] then return {NO_CHALLENGE} end
if now_ms >= tonumber(ch[3]) then return {EXPIRED} end
if not ct_equal(ch[2], ARGV[4]) then
  rl_charge_mode(limits, now_us, RL_ON_FAILURE)
  local r = fail(voter, now_ms, max_failures)
  if r[1] == LOCKED then redis.call('DEL', challenge) end
  return r
end
redis.call('DEL', challenge)
redis.call('HSET', voter, 'f', 0, 'll', now_ms)
redis.call('HSET', session, 'e', ARGV[6], 'c', v[1], 'sid', ARGV[7], 'ip', ARGV[8], 't', now_ms, 'a', now_ms)
redis.call('PEXPIRE', session, ARGV[5])
return {OK, v[1]}

-- verify_code.lua: second login step. Checks the lock and the one-time code; a wrong code counts as a
-- failure with wrong secrets. The right code is used up, resets the failures and opens the session.
-- A repeat of an Idempotency-Key answers the first outcome, with nothing counted or charged again; when that
-- outcome opened a session (whose answer the client may never have received), the repeat opens it for the
-- repeat's token instead, and ends the first one.
-- KEYS[1] gw:{v:P}       voter hash (c, f, la read; f, ll, lh written)
-- KEYS[2] gw:{v:P}:ch    challenge hash (id, h, x)
-- KEYS[3] gw:{v:P}:s:T   the new session hash
-- KEYS[4] gw:{v:P}:i:K   the outcome kept for an Idempotency-Key (K: keyed hash of election, step and key)
-- KEYS[5..] the rate limits (ScriptLimits), decided first
-- ARGV    now_ms, max_failures, challenge_id, otp_hash, session_ttl_ms, election_id, session_id, ip,
--         idem_ttl_ms (0: no key), then the limits' now_us and triplets (ARGV[10..])
-- RETURNS {RATE_LIMITED, retry_us, worst, remaining, reset_us...} | {LOCKED, failures, locked_now 0|1}
--         | {NO_CHALLENGE} | {EXPIRED} | {REJECTED, failures} | {OK, college}
--         | {REPEAT, "", "", "", <the first outcome...>}                                (VoterReply)
--#include redis/lib/voter.lua
--#include ratelimit/lib/gcra.lua
local voter, challenge, session, idem = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now_ms, max_failures = tonumber(ARGV[1]), tonumber(ARGV[2])
local idem_ttl = tonumber(ARGV[9])
local now_us = tonumber(ARGV[10])

local function open_session(college)
  redis.call('HSET', session, 'e', ARGV[6], 'c', college, 'sid', ARGV[7], 'ip', ARGV[8], 't', now_ms, 'a', now_ms)
  redis.call('PEXPIRE', session, ARGV[5])
end

local repeated = idem_repeat(idem, idem_ttl)
if repeated then
  if repeated[5] == OK then
    -- the first answer may never have arrived: its session ends, the repeat's token gets one
    local first = redis.call('HGET', idem, 's')
    if first and first ~= session then redis.call('DEL', first) end
    open_session(repeated[6])
    redis.call('HSET', idem, 's', session)
  end
  return repeated
end

local function step()
  local limits = rl_limits(5, 11, #KEYS - 4)
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
  -- the last 5 logins, newest first ("ms ip"), for support: a JSON array in the voter's hash
  local recent = cjson.decode(redis.call('HGET', voter, 'lh') or '[]')
  table.insert(recent, 1, now_ms .. ' ' .. ARGV[8])
  while #recent > 5 do table.remove(recent) end
  redis.call('HSET', voter, 'f', 0, 'll', now_ms, 'lh', cjson.encode(recent))
  open_session(v[1])
  return {OK, v[1]}
end

local reply = idem_keep(idem, idem_ttl, step(), '', '', '')
if reply[1] == OK and idem_ttl > 0 then redis.call('HSET', idem, 's', session) end
return reply

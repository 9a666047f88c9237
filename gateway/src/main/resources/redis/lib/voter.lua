-- lib/voter.lua: helpers shared by the voter scripts, put in their place by LuaScript at load time.
-- Reply codes of the login steps, named the same in VoterReply.java (decoded by number, never by position):
local OK, REJECTED, LOCKED, CHANNEL_NOT_ALLOWED, NO_DESTINATION, NO_CHALLENGE, EXPIRED, RESEND_LIMIT = 1, 2, 3, 4, 5, 6, 7, 8
local RATE_LIMITED, PHONE_TAKEN = 9, 10

-- Compares two strings in time that depends only on their length (both are fixed-length hashes).
local function ct_equal(a, b)
  if type(a) ~= 'string' or type(b) ~= 'string' or #a ~= #b then return false end
  local diff = 0
  for i = 1, #a do
    diff = bit.bor(diff, bit.bxor(string.byte(a, i), string.byte(b, i)))
  end
  return diff == 0
end

-- Counts one failed step; locks at max. Returns {LOCKED, failures, 1 (locked now)} or {REJECTED, failures}.
local function fail(voter_key, now_ms, max_failures)
  local failures = redis.call('HINCRBY', voter_key, 'f', 1)
  if failures >= max_failures then
    redis.call('HSET', voter_key, 'la', now_ms)
    return {LOCKED, failures, 1}
  end
  return {REJECTED, failures}
end

-- Where a code for `channel` goes: {field, encrypted value}, nil (nowhere), or false (the given phone
-- already receives codes for another voter of the election).
-- SMS and voice use the roll's phone, else the one remembered from a login, else `given_phone`
-- (which is then remembered: a later login cannot redirect codes elsewhere). A given phone is claimed
-- for this voter at `claim_key` (a keyed hash of the election and the number): one voter per number.
local function destination(voter_key, channel, given_phone, claim_key)
  if channel == 'email' then
    local e = redis.call('HGET', voter_key, 'e')
    if e then return {'e', e} end
    return nil
  end
  local p = redis.call('HGET', voter_key, 'p')
  if p then return {'p', p} end
  local lp = redis.call('HGET', voter_key, 'lp')
  if lp then return {'lp', lp} end
  if given_phone ~= nil and given_phone ~= '' then
    if not redis.call('SET', claim_key, voter_key, 'NX') and redis.call('GET', claim_key) ~= voter_key then
      return false
    end
    redis.call('HSET', voter_key, 'lp', given_phone)
    return {'lp', given_phone}
  end
  return nil
end

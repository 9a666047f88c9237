-- lib/voter.lua: helpers shared by the voter scripts, put in their place by LuaScript at load time.
-- Reply codes of the login steps, named the same in VoterReply.java (decoded by number, never by position):
local OK, REJECTED, LOCKED, CHANNEL_NOT_ALLOWED, NO_DESTINATION, NO_CHALLENGE, EXPIRED, RESEND_LIMIT = 1, 2, 3, 4, 5, 6, 7, 8
local RATE_LIMITED, PHONE_TAKEN, REPEAT, NEEDS_CLAIM = 9, 10, 11, 12

-- Idempotency-Key: a login step's outcome is kept under the voter's slot (idem_key) for a few minutes, so a
-- retried request gets it back instead of running the step again (no second failure, no limit charged).
-- The TTL only garbage-collects; a step without a key passes ttl 0 and nothing is kept.
-- Returns {REPEAT, x1, x2, x3, <the first reply...>} when the key has an outcome, else nil.
-- x1..x3 are what the step kept beside its reply (its challenge, notification, encrypted code or session).
local function idem_repeat(idem_key, ttl_ms)
  if ttl_ms <= 0 then return nil end
  local kept = redis.call('HMGET', idem_key, 'r', 'x1', 'x2', 'x3')
  if not kept[1] then return nil end
  local out = {REPEAT, kept[2], kept[3], kept[4]}
  for _, v in ipairs(cjson.decode(kept[1])) do out[#out + 1] = v end
  return out
end

-- Keeps a step's reply for its Idempotency-Key (not a rate-limit refusal nor a NEEDS_CLAIM: they changed nothing,
-- a retry may run).
local function idem_keep(idem_key, ttl_ms, reply, x1, x2, x3)
  if ttl_ms > 0 and reply[1] ~= RATE_LIMITED and reply[1] ~= NEEDS_CLAIM then
    redis.call('HSET', idem_key, 'r', cjson.encode(reply), 'x1', x1, 'x2', x2, 'x3', x3)
    redis.call('PEXPIRE', idem_key, ttl_ms)
  end
  return reply
end

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

-- Where a code for `channel` goes: {field, encrypted value}, nil (nowhere), false (the given phone
-- already receives codes for another voter of the election), or NEEDS_CLAIM (Redis Cluster: the given phone must
-- be claimed first, in its own slot; nothing was written).
-- SMS and voice use the roll's phone, else the one remembered from a login, else `given_phone`
-- (which is then remembered: a later login cannot redirect codes elsewhere). A given phone is claimed
-- for this voter at `claim_key` (a keyed hash of the election and the number): one voter per number.
-- On a Redis Cluster the claim is in another slot, so the store passes, instead of the claim's key, a key of the
-- voter's own slot: `<voter_key>:pc` while the claim is not taken (answer NEEDS_CLAIM), then, once the store has
-- claimed the number for this voter (SET NX in the claim's slot), `voter_key` itself (remember the phone).
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
    if claim_key == voter_key .. ':pc' then return NEEDS_CLAIM end
    if claim_key ~= voter_key and not redis.call('SET', claim_key, voter_key, 'NX')
        and redis.call('GET', claim_key) ~= voter_key then
      return false
    end
    redis.call('HSET', voter_key, 'lp', given_phone)
    return {'lp', given_phone}
  end
  return nil
end

-- attempt.lua: a staff login step (password or code) is about to be checked: counts it first, so that parallel
-- attempts cannot pass the limit (the count says how many were checked, whatever their outcome; a success then
-- resets it). Refused without a check once the account is locked or the limit is used up. An id with no account
-- (an email nobody has) is counted and locked the same way, so no answer tells whether an account exists; its
-- hash then holds only the counter and expires.
-- Running it again counts another attempt: it is only run once per submitted form.
-- KEYS[1] gw:{sf:I}   the account hash (f failures, la locked at; s status when it is an account)
-- ARGV    max_failures, now_ms, unknown_ttl_ms
-- RETURNS {ALLOWED, attempts} | {LOCKED, attempts}                              (AttemptReply)
-- reply codes, named the same in AttemptReply.java
local ALLOWED, LOCKED = 1, 2
local la = redis.call('HGET', KEYS[1], 'la')
if la and la ~= '' then return {LOCKED, tonumber(redis.call('HGET', KEYS[1], 'f') or '0')} end
local attempts = redis.call('HINCRBY', KEYS[1], 'f', 1)
if redis.call('HEXISTS', KEYS[1], 's') == 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
if attempts > tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'la', ARGV[2])
  return {LOCKED, attempts}
end
return {ALLOWED, attempts}

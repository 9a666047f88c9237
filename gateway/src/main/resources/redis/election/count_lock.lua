-- count_lock.lua: a voter was just locked: indexes the lock (for a bulk unlock of the voters locked in a time
-- window) and counts it in its minute (for the mass-lockout alert), in one step, so that a counter never stays
-- without its expiry.
-- KEYS[1] gw:{el:E}:lk      sorted set: voter pseudonym -> when locked (ms)
-- KEYS[2] gw:{el:E}:lm:M    the locks of minute M (expires)
-- KEYS[3] gw:{v:P}          the voter's hash: only a voter on the roll (c) is indexed; an identifier that is not
--                           (locked like one, on purpose) is counted in its minute only, so a spray of made-up
--                           identifiers does not grow the index
-- Running it again for the same lock counts it again in its minute (it is run once, when the lock is made).
-- ARGV    pseudonym, now_ms, counter_ttl_ms
-- RETURNS {the locks of this minute, this one included}
if redis.call('HEXISTS', KEYS[3], 'c') == 1 then redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1]) end
local n = redis.call('INCR', KEYS[2])
if n == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
return {n}

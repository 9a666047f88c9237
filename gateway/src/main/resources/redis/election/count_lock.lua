-- count_lock.lua: a voter was just locked: indexes the lock (for a bulk unlock of the voters locked in a time
-- window) and counts it in its minute (for the mass-lockout alert), in one step, so that a counter never stays
-- without its expiry.
-- KEYS[1] gw:{el:E}:lk      sorted set: voter pseudonym -> when locked (ms)
-- KEYS[2] gw:{el:E}:lm:M    the locks of minute M (expires)
-- ARGV    pseudonym, now_ms, counter_ttl_ms
-- RETURNS {the locks of this minute, this one included}
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local n = redis.call('INCR', KEYS[2])
if n == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
return {n}

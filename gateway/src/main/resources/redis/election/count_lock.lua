-- count_lock.lua: a voter was just locked: indexes the lock (for a bulk unlock of the voters locked in a time
-- window) and counts it in its minute (for the mass-lockout alert), in one step, so that a counter never stays
-- without its expiry.
-- KEYS[1] gw:{el:E}:lk      sorted set: voter pseudonym -> when locked (ms)
-- KEYS[2] gw:{el:E}:lm:M    the locks of minute M (expires)
-- Running it again for the same lock counts it again in its minute (it is run once, when the lock is made).
-- ARGV    pseudonym, now_ms, counter_ttl_ms, on_roll (1 when the voter's hash has its college c)
-- Only a voter on the roll is indexed; an identifier that is not (locked like one on purpose) is counted in its
-- minute only, so that a spray of made-up identifiers does not grow the index. The caller reads on_roll from the
-- voter's hash (gw:{v:P}): another slot on a Redis Cluster, and a fact only imports set.
-- RETURNS {the locks of this minute, this one included}
if ARGV[4] == '1' then redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1]) end
local n = redis.call('INCR', KEYS[2])
if n == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
return {n}

-- add.lua (test only): adds ARGV[1] to a counter, or fails as a script can: ARGV[1] "raise" raises an error,
-- "wrongtype" makes a Redis command fail (INCRBY on a string that is no number).
-- KEYS[1] a counter   RETURNS {value, the call's second argument or ""}
if ARGV[1] == 'raise' then error('asked to fail') end
if ARGV[1] == 'wrongtype' then
  redis.call('SET', KEYS[1], 'not a number')
  return {redis.call('INCRBY', KEYS[1], 1)}
end
local function twice(x) return x .. x end
local v = redis.call('INCRBY', KEYS[1], tonumber(ARGV[1]))
return {v, ARGV[2] and twice(ARGV[2]) or ''}

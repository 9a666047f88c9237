-- unlock.lua: support unlocks a voter: the lock and the failure count are cleared.
-- KEYS[1] gw:{v:P}  voter hash
-- RETURNS {-1} not on the roll | {1} was locked | {0} was not locked
if redis.call('HEXISTS', KEYS[1], 'c') == 0 then return {-1} end
local was = redis.call('HEXISTS', KEYS[1], 'la')
redis.call('HDEL', KEYS[1], 'la')
redis.call('HSET', KEYS[1], 'f', 0)
return {was}

-- unlock.lua: support unlocks a voter: the lock and the failure count are cleared.
-- KEYS[1] gw:{v:P}  voter hash
-- RETURNS {NOT_ON_ROLL} | {WAS_LOCKED} | {WAS_NOT_LOCKED}     (UnlockReply)
local NOT_ON_ROLL, WAS_NOT_LOCKED, WAS_LOCKED = -1, 0, 1
if redis.call('HEXISTS', KEYS[1], 'c') == 0 then return {NOT_ON_ROLL} end
local was = redis.call('HEXISTS', KEYS[1], 'la')
redis.call('HDEL', KEYS[1], 'la')
redis.call('HSET', KEYS[1], 'f', 0)
if was == 1 then return {WAS_LOCKED} end
return {WAS_NOT_LOCKED}

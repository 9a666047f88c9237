-- redeem_code.lua: counts one presentation of an authorization code; the first one is honoured, any later one is a
-- replay (the caller then revokes what the first one gave, if it gave anything: field i, set once tokens were
-- issued, so that a client retrying after a failed first presentation is refused without logging the voter out).
-- KEYS[1] gw:{ok:H}  code hash: r record JSON, u presentations so far, i "1" once tokens were issued
-- RETURNS {UNKNOWN} | {FIRST, record} | {REPLAY, record, issued}   (RedeemReply)
local UNKNOWN, FIRST, REPLAY = 0, 1, 2
if redis.call('EXISTS', KEYS[1]) == 0 then return {UNKNOWN} end
local uses = redis.call('HINCRBY', KEYS[1], 'u', 1)
if uses == 1 then return {FIRST, redis.call('HGET', KEYS[1], 'r')} end
return {REPLAY, redis.call('HGET', KEYS[1], 'r'), redis.call('HGET', KEYS[1], 'i') or ''}

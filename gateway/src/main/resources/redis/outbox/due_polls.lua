-- due_polls.lua: the messages due to be asked about, leased: their next time moves to the lease's end, so
-- that no other dispatcher asks meanwhile, and a dispatcher that dies leaves them due again after it.
-- KEYS[1] gw:{nt}:poll
-- ARGV    now_ms, lease_until_ms, count
-- RETURNS the members (provider|provider message id|sent ms)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, m in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], m) end
return due

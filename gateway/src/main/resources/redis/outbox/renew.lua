-- renew.lua: renews a dispatcher's leases on the entries it is sending: each one it still holds has its idle
-- time reset (XCLAIM to itself, JUSTID: the delivery count stays), so that recovery, which takes over entries
-- idle for the lease's length, leaves it alone. An entry another dispatcher took over meanwhile is not taken back.
-- KEYS[1] gw:{nt}:s:<hi|lo>   stream
-- ARGV    group, consumer, then the ids of the entries it is sending
-- RETURNS how many leases were renewed
local renewed = 0
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if p[1] and p[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    renewed = renewed + 1
  end
end
return renewed

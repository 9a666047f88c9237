-- reap.lua: removes from the dispatch group the consumers that hold nothing and have not read for idle_ms:
-- dispatchers that died (recovery took their entries over) or stopped. A live dispatcher reads every few
-- milliseconds; should one be removed all the same, its next read makes it a consumer again. Atomic, so a
-- consumer cannot take an entry between the check and its removal.
-- KEYS[1] gw:{nt}:s:<hi|lo>   stream
-- ARGV    group, idle_ms, the consumer running it (never removed)
-- RETURNS the names of the consumers removed
local removed = {}
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local f = {}
  for i = 1, #c, 2 do f[c[i]] = c[i + 1] end
  if f['pending'] == 0 and f['idle'] > tonumber(ARGV[2]) and f['name'] ~= ARGV[3] then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], f['name'])
    removed[#removed + 1] = f['name']
  end
end
return removed

-- gcra.lua: several GCRA limits decided at once; admitted only when every limit admits, and then every limit
-- is charged; when one refuses, none is (nothing is written). Times are in microseconds.
-- KEYS    one per limit: rl:{<hash tag>}:<policy>:<key>  (one hash tag per call: one Cluster slot)
-- ARGV    now_us, cost, then per key: emission_interval_us, burst
-- RETURNS {allowed 0|1, retry_after_us, then per key: remaining, reset_after_us}   (integers)
--#include ratelimit/lib/gcra.lua
local limits = {}
for i = 1, #KEYS do
  limits[i] = {KEYS[i], tonumber(ARGV[1 + 2 * i]), tonumber(ARGV[2 + 2 * i]), 1}
end
local allowed, retry, _, states = rl_check(limits, tonumber(ARGV[1]), tonumber(ARGV[2]))
local out = {allowed, retry}
for _, s in ipairs(states) do
  table.insert(out, s[1])
  table.insert(out, s[2])
end
return out

-- gcra.lua: several GCRA limits decided at once; admitted only when every limit admits, and then every limit
-- is charged; when one refuses, none is (nothing is written). Times are in microseconds.
-- KEYS[1..] one per limit: rl:{<hash tag>}:<policy>:<key>  (one hash tag per call: one Cluster slot)
-- ARGV    cost (negative: permits given back, never refused; ReservedLimits), then the limits as ScriptLimits.args gives them (ARGV[2..]): now_us, then per key interval_us,
--         burst, mode
-- RETURNS {ALLOWED|REFUSED, retry_after_us, worst index, then per key: remaining, reset_after_us}
--         (integers; GcraReply)
--#include ratelimit/lib/gcra.lua
local REFUSED, ALLOWED = 0, 1
local limits = rl_limits(1, 3, #KEYS)
local allowed, retry, worst, states = rl_check(limits, tonumber(ARGV[2]), tonumber(ARGV[1]))
return rl_reply({allowed == 1 and ALLOWED or REFUSED}, retry, worst, states)

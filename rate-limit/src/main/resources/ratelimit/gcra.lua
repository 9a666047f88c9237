-- gcra.lua: several GCRA limits decided at once; admitted only when every limit admits, and then every limit
-- is charged; when one refuses, none is (nothing is written). Times are in microseconds.
-- KEYS    one per limit: rl:{<hash tag>}:<policy>:<key>  (one hash tag per call: one Cluster slot)
-- ARGV    now_us, cost, then per key: emission_interval_us, burst
-- RETURNS {allowed 0|1, retry_after_us, then per key: remaining, reset_after_us}   (integers)
-- The decision uses now_us from the caller's clock; PEXPIRE only garbage-collects.
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local n = #KEYS
local tats = {}      -- each limit's TAT if everyone admits (charged)
local olds = {}      -- and if not (uncharged)
local allowed = 1
local retry = 0
for i = 1, n do
  local interval = tonumber(ARGV[1 + 2 * i])
  local burst = tonumber(ARGV[2 + 2 * i])
  local tat = tonumber(redis.call('GET', KEYS[i]) or now)
  if tat < now then tat = now end
  local new_tat = tat + interval * cost
  local allow_at = new_tat - interval * burst
  if now < allow_at then
    allowed = 0
    if allow_at - now > retry then retry = allow_at - now end
  end
  olds[i] = tat
  tats[i] = new_tat
end
-- a refusal charges nobody: report every limit as it stands
if allowed == 0 then tats = olds end
local out = {allowed, math.floor(retry)}
for i = 1, n do
  local interval = tonumber(ARGV[1 + 2 * i])
  local burst = tonumber(ARGV[2 + 2 * i])
  if allowed == 1 then
    redis.call('SET', KEYS[i], string.format('%.0f', tats[i]), 'PX', math.ceil((tats[i] - now) / 1000) + 1000)
  end
  local remaining = math.floor((now - (tats[i] - interval * burst)) / interval)
  if remaining < 0 then remaining = 0 end
  table.insert(out, remaining)
  table.insert(out, math.floor(tats[i] - now))
end
return out

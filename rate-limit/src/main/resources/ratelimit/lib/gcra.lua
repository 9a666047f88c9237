-- lib/gcra.lua: GCRA limits, shared by ratelimit/gcra.lua and by the gateway scripts that decide their
-- limits in the same script as the step they guard (no extra round trip). Times are in microseconds and
-- come from the caller's clock; PEXPIRE only garbage-collects.
-- A limit is {key, interval_us, burst, mode}. Every limit must admit one more for the step to run; then
-- RL_ALWAYS limits are charged at once, RL_ON_FAILURE ones when the step fails (a limit on failures) and
-- RL_ON_SUCCESS ones when it succeeds (e.g. a code sent), both with rl_charge_mode. The numbers are
-- ScriptLimits.mode's (explicit, never ordinals).
local RL_ON_FAILURE, RL_ALWAYS, RL_ON_SUCCESS = 0, 1, 2

-- Stores a limit's new theoretical arrival time; it expires once the limit is whole again. A TAT not ahead of
-- now (permits given back, ratelimit/gcra.lua with a negative cost) is a whole limit: the key goes.
local function rl_set(l, tat, now)
  if tat <= now then
    redis.call('DEL', l[1])
    return
  end
  redis.call('SET', l[1], string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + 1000)
end

-- A limit's theoretical arrival time (TAT). An admission never writes one more than a window (interval x
-- burst) ahead of its writer's clock, and can write it exactly there; another caller's clock (another event
-- loop, another instance) may be behind the writer's by microseconds or milliseconds. So a TAT ahead of
-- now + window is a debt read on a slower clock: the limit is exhausted, the request refused with its
-- retry-after read from the stored TAT (the real wait on this clock). It is never read as a fresh limit: that
-- reading let a request 1 us "older" than the last admission restart a whole burst.
-- Only a TAT more than two windows ahead cannot come from a clock within a window of ours: a clock that
-- jumped ahead and was put right (or a test clock moved back). That state is read as whole (as before the
-- debt rule), not as exhausted: exhausted, a paid-send cap would trip its breaker and stop a whole country
-- for the breaker's cooldown; and no caller can put a state there by requests alone (an admission writes at
-- most a window ahead of its own clock), only clocks more than a window apart can, which no rule can tell
-- from a jump. Nothing is written: the next charge writes over it.
local function rl_tat(l, now)
  local window = l[2] * l[3]
  local tat = tonumber(redis.call('GET', l[1]) or now)
  if tat < now or tat > now + 2 * window then return now end
  return tat
end

-- Charges cost permits to one limit, whatever its state (a failure has happened: it counts).
local function rl_charge(limit, now, cost)
  rl_set(limit, rl_tat(limit, now) + limit[2] * cost, now)
end

-- Charges one permit to each limit of `mode` (RL_ON_FAILURE after a failed step, RL_ON_SUCCESS after a
-- successful one).
local function rl_charge_mode(limits, now, mode)
  for _, l in ipairs(limits) do
    if l[4] == mode then rl_charge(l, now, 1) end
  end
end

-- Decides all limits at once: allowed only when every one admits cost more; then the charged ones are
-- charged, else nothing is written. A negative cost gives permits back (never refused): a step that reserved
-- permits it did not owe (Redis Cluster: ReservedLimits).
-- RETURNS allowed (1|0), retry_after_us, index of the limit that refuses longest (0 when allowed),
--         states: per limit {remaining, reset_after_us}, as they stand after the decision
local function rl_check(limits, now, cost)
  local allowed, retry, worst = 1, 0, 0
  local tats, news = {}, {}
  for i, l in ipairs(limits) do
    local tat = rl_tat(l, now)
    local new_tat = tat + l[2] * cost
    local allow_at = new_tat - l[2] * l[3]
    if cost > 0 and now < allow_at then
      allowed = 0
      if allow_at - now > retry then retry, worst = allow_at - now, i end
    end
    tats[i], news[i] = tat, new_tat
  end
  local states = {}
  for i, l in ipairs(limits) do
    local tat = tats[i]
    if allowed == 1 and l[4] == RL_ALWAYS then
      tat = news[i]
      rl_set(l, tat, now)
    end
    local remaining = math.floor((now - (tat - l[2] * l[3])) / l[2])
    if remaining < 0 then remaining = 0 end
    states[i] = {remaining, math.floor(tat - now)}
  end
  return allowed, math.floor(retry), worst, states
end

-- Reads n limits given as KEYS[k0..] and ARGV triplets from a0: interval_us, burst, mode (0|1|2).
local function rl_limits(k0, a0, n)
  local limits = {}
  for i = 1, n do
    local a = a0 + 3 * (i - 1)
    limits[i] = {KEYS[k0 + i - 1], tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])}
  end
  return limits
end

-- Appends a decision to a script's reply: retry_after_us, worst index, then remaining and reset per limit.
local function rl_reply(out, retry, worst, states)
  table.insert(out, retry)
  table.insert(out, worst)
  for _, s in ipairs(states) do
    table.insert(out, s[1])
    table.insert(out, s[2])
  end
  return out
end

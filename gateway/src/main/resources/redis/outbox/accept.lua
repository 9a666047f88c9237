-- accept.lua: accepts a notification into the durable outbox, once per idempotency key. Atomically: the
-- key is claimed, the record and its content are written, the id is queued on its priority's stream and
-- indexed for retention. A repeated key returns the first id and writes nothing.
-- KEYS[1] gw:{nt}:i:<key hash>   idempotency key -> id
-- KEYS[2] gw:{nt}:n:<id>         record (st status, ch, tpl, lang, p, c created ms, u updated ms, ik)
-- KEYS[3] gw:{nt}:c:<id>         content (to, d data, f an email's attachments when it has any; all encrypted),
--                                purged after 48 h
-- KEYS[4] gw:{nt}:s:<hi|lo>      stream read by the dispatchers' consumer group
-- KEYS[5] gw:{nt}:idx:c          retention index of contents (score: when to purge, ms)
-- KEYS[6] gw:{nt}:idx:m          retention index of records (score: created ms)
-- KEYS[7] gw:{nt}:c:<source id>  content of the notification whose data this one reuses (the same login
--                                code resent), or any {nt} key when data_enc is given
-- KEYS[8], KEYS[9]                 paid sends only: the breakers of the number's block and country (until ms)
-- KEYS[10..]                       paid sends only: the caps (PaidSendCaps; 3rd and 4th: block, country)
-- ARGV    id, now_ms, channel, template, lang, priority, to_enc, data_enc, idempotency_ttl_ms, election_id ("" none),
--         content_purge_at_ms, source id ("" when data_enc is given), breaker cooldown ms ("" when no caps),
--         campaign ("<election>:<campaign id>" when a credential campaign sends it, else ""), attachments_enc ("" when
--         none; NotificationService bounds them to 2 MiB of PDF before encryption), then the caps' now_us and
--         triplets (ARGV[16..])
-- RETURNS {ACCEPTED, id} | {DUPLICATE, first id} already accepted under this key
--         | {SOURCE_GONE, ""} the source's content is gone
--         | {BREAKER_OPEN, "", retry_us, breaker 1|2} a tripped breaker stops sends there
--         | {OVER_CAP, "", tripped now (1 block, 2 country, 3 both), retry_us, worst, remaining, reset_us...}
--         (AcceptReply) Nothing of the notification is written but for ACCEPTED; OVER_CAP writes the breakers
--         it trips.
--#include ratelimit/lib/gcra.lua
local BREAKER_OPEN, OVER_CAP, SOURCE_GONE, DUPLICATE, ACCEPTED = -3, -2, -1, 0, 1
local first = redis.call('GET', KEYS[1])
if first then return {DUPLICATE, first} end
local data = ARGV[8]
if ARGV[12] ~= '' then
  -- the data stays encrypted for the source id: 'ds' tells the dispatcher which binding to decrypt it with.
  -- Looked up before the caps: a send that cannot happen uses none of them.
  data = redis.call('HGET', KEYS[7], 'd')
  if not data then return {SOURCE_GONE, ''} end
end
if ARGV[13] ~= '' then
  -- a breaker holds the time (caller's clock, ms) until which it stops sends; PX only garbage-collects
  local now_ms = tonumber(ARGV[2])
  for b = 1, 2 do
    local until_ms = tonumber(redis.call('GET', KEYS[7 + b]) or '0')
    if until_ms > now_ms then return {BREAKER_OPEN, '', (until_ms - now_ms) * 1000, b} end
  end
  local now_us = tonumber(ARGV[16])
  local limits = rl_limits(10, 17, #KEYS - 9)
  local allowed, retry, worst, states = rl_check(limits, now_us, 1)
  if allowed == 0 then
    local tripped = 0
    for b = 1, 2 do
      if limits[2 + b] and states[2 + b][1] == 0 then
        redis.call('SET', KEYS[7 + b], now_ms + tonumber(ARGV[13]), 'PX', ARGV[13])
        tripped = tripped + b
        retry = math.max(retry, tonumber(ARGV[13]) * 1000)
      end
    end
    return rl_reply({OVER_CAP, '', tripped}, retry, worst, states)
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[9])
redis.call('HSET', KEYS[2], 'st', 'queued', 'ch', ARGV[3], 'tpl', ARGV[4], 'lang', ARGV[5], 'p', ARGV[6],
  'c', ARGV[2], 'u', ARGV[2], 'ik', KEYS[1], 'el', ARGV[10], 'ds', ARGV[12])
-- cp: the campaign whose delivery counters (gw:{nt}:cp:<cp>) finish.lua, report.lua and begin.lua keep
if ARGV[14] ~= '' then redis.call('HSET', KEYS[2], 'cp', ARGV[14]) end
redis.call('HSET', KEYS[3], 'to', ARGV[7], 'd', data)
if ARGV[15] ~= '' then redis.call('HSET', KEYS[3], 'f', ARGV[15]) end
redis.call('XADD', KEYS[4], '*', 'id', ARGV[1])
redis.call('ZADD', KEYS[5], ARGV[11], ARGV[1])
redis.call('ZADD', KEYS[6], ARGV[2], ARGV[1])
return {ACCEPTED, ARGV[1]}

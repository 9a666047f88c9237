-- report.lua: a provider's delivery report for a notification it accepted. Delivered: the notification is
-- final. Not delivered: the provider joins the excluded ones and the notification is queued again on its
-- lane, so the next provider of the chain gets it. A report for a notification that is no longer 'sent'
-- by that provider (a duplicate, a late one) changes nothing.
-- KEYS[1] gw:{nt}:n:<id>   record
-- KEYS[2] gw:{nt}:a:<id>   attempts
-- KEYS[3] gw:{nt}:s:hi     KEYS[4] gw:{nt}:s:lo
-- ARGV    now_ms, provider, delivered (1|0), attempt_json, notification_id
-- A campaign's message (cp in the record) moves its counts in gw:{nt}:cp:<cp>: sent to delivered, or, not
-- delivered, out of sent (waiting again) and into <provider>:undelivered.
-- RETURNS {IGNORED} | {DELIVERED} | {REQUEUED} queued again               (ReportReply)
local IGNORED, DELIVERED, REQUEUED = 0, 1, 2
local m = redis.call('HMGET', KEYS[1], 'st', 'pr', 'p', 'x', 'cp')
if m[1] ~= 'sent' or m[2] ~= ARGV[2] then return {IGNORED} end
redis.call('RPUSH', KEYS[2], ARGV[4])
if m[5] then
  local counts = 'gw:{nt}:cp:' .. m[5]
  local outcome = ARGV[3] == '1' and 'delivered' or 'undelivered'
  redis.call('HINCRBY', counts, 'sent', -1)
  redis.call('HINCRBY', counts, ARGV[2] .. ':sent', -1)
  redis.call('HINCRBY', counts, ARGV[2] .. ':' .. outcome, 1)
  if outcome == 'delivered' then redis.call('HINCRBY', counts, 'delivered', 1) end
end
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[1], 'st', 'delivered', 'u', ARGV[1])
  return {DELIVERED}
end
local excluded = m[4]
if not excluded or excluded == '' then excluded = ARGV[2] else excluded = excluded .. ',' .. ARGV[2] end
redis.call('HSET', KEYS[1], 'st', 'queued', 'u', ARGV[1], 'x', excluded, 'pr', '', 'mid', '')
redis.call('XADD', m[3] == 'HI' and KEYS[3] or KEYS[4], '*', 'id', ARGV[5])
return {REQUEUED}

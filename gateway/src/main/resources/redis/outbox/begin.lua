-- begin.lua: a dispatcher takes a queued notification. A final one (sent, delivered, failed) is only
-- acknowledged; one whose content was purged before it could be sent ends failed, visibly.
-- KEYS[1] gw:{nt}:n:<id>   record (x: providers that failed to deliver it after accepting, comma-separated;
--                          inf: the provider a send was going to when its dispatcher stopped)
-- KEYS[2] gw:{nt}:c:<id>   content
-- ARGV    now_ms, first providers by channel ("email=smtp,sms=ovh")
-- RETURNS {NOTHING_TO_SEND}                                                    (BeginReply)
--         | {WORK, channel, template, lang, to_enc, data_enc, excluded providers, election, data source id or "",
--            the provider recorded as the one the send goes to first, or ""}
local NOTHING_TO_SEND, WORK = 0, 1
local m = redis.call('HMGET', KEYS[1], 'st', 'ch', 'tpl', 'lang', 'x', 'el', 'inf', 'ds')
if not m[1] or m[1] == 'sent' or m[1] == 'delivered' or m[1] == 'failed' then return {NOTHING_TO_SEND} end
local c = redis.call('HMGET', KEYS[2], 'to', 'd')
if not c[1] then
  redis.call('HSET', KEYS[1], 'st', 'failed', 'u', ARGV[1], 'err', 'content expired before it could be sent')
  return {NOTHING_TO_SEND}
end
-- A dispatcher stopped while a provider had this message: it may have been sent there. Never twice to the
-- same provider: that one is excluded from now on.
local excluded = m[5] or ''
if m[1] == 'sending' and m[7] and m[7] ~= '' then
  if excluded == '' then excluded = m[7] else excluded = excluded .. ',' .. m[7] end
  redis.call('HSET', KEYS[1], 'x', excluded)
end
-- The first provider of the channel's chain, unless excluded, is recorded now, before the call (it saves
-- the dispatcher a round trip). If the chain skips it (circuit open), the dispatcher records the one it
-- calls instead; a crash in between excludes a provider that never had it, which only costs a fallback.
local first = ''
for pair in string.gmatch(ARGV[2], '[^,]+') do
  local ch, provider = string.match(pair, '^([^=]+)=(.+)$')
  if ch == m[2] and not string.find(',' .. excluded .. ',', ',' .. provider .. ',', 1, true) then first = provider end
end
redis.call('HSET', KEYS[1], 'st', 'sending', 'u', ARGV[1])
if first ~= '' then redis.call('HSET', KEYS[1], 'inf', first) else redis.call('HDEL', KEYS[1], 'inf') end
return {WORK, m[2], m[3], m[4], c[1], c[2], excluded, m[6] or '', m[8] or '', first}

-- begin.lua: a dispatcher takes a queued notification. A final one (sent, delivered, failed) is only
-- acknowledged; one whose content was purged before it could be sent ends failed, visibly.
-- KEYS[1] gw:{nt}:n:<id>   record (x: providers that failed to deliver it after accepting, comma-separated;
--                          inf: the provider a send was going to when its dispatcher stopped;
--                          dup: the provider an interrupted send went to again, so a possible duplicate;
--                          tk: the attempt token of the begin that marked it sending; ag: that begin's "again";
--                          rf: <provider>:<reference> of what a provider that builds a send in steps last built
--                          for it, reported before its irreversible step; rs: the reference the last begin handed
--                          out to be asked about, while that ask has not ended)
-- KEYS[2] gw:{nt}:c:<id>   content
-- KEYS[3] gw:{nt}:a:<id>   attempts (list of JSON: provider, at, outcome), where an interrupted send shows
-- ARGV    now_ms, each channel's chain ("email=smtp|ses,sms=ovh"), now as ISO-8601 (the interrupted attempt's time),
--         attempt token (new for each begin a dispatcher sends; a replay of the same command carries the same)
-- RETURNS {NOTHING_TO_SEND}                                                    (BeginReply)
--         | {WORK, channel, template, lang, to_enc, data_enc, excluded providers, election, data source id or "",
--            the provider recorded as the one the send goes to first, or "",
--            the provider an interrupted send goes to again (a possible duplicate), or "",
--            the provider to ask first whether the interrupted send it had built went out, or "",
--            the reference it had built, or "", the email's attachments (encrypted) or ""}
local NOTHING_TO_SEND, WORK = 0, 1
local m = redis.call('HMGET', KEYS[1], 'st', 'ch', 'tpl', 'lang', 'x', 'el', 'inf', 'ds', 'tk', 'ag', 'rf', 'rs', 'cp')
if not m[1] or m[1] == 'sent' or m[1] == 'delivered' or m[1] == 'failed' then return {NOTHING_TO_SEND} end
local c = redis.call('HMGET', KEYS[2], 'to', 'd', 'f')
-- A replay: the client sent this very command again after a reconnect, its answer lost. It ran: the same
-- answer, nothing written twice (read as a new begin, the send would look interrupted by a crash and go to
-- the next provider: a duplicate).
if c[1] and m[1] == 'sending' and m[9] == ARGV[4] then
  if m[12] then -- that begin handed out a reference to ask about, and premarked nothing
    return {WORK, m[2], m[3], m[4], c[1], c[2], m[5] or '', m[6] or '', m[8] or '', '', '', m[7], m[12], c[3] or ''}
  end
  return {WORK, m[2], m[3], m[4], c[1], c[2], m[5] or '', m[6] or '', m[8] or '', m[7] or '', m[10] or '', '', '', c[3] or ''}
end
if not c[1] then
  redis.call('HSET', KEYS[1], 'st', 'failed', 'u', ARGV[1], 'err', 'content expired before it could be sent')
  if m[13] then -- a campaign's message: counted as finish.lua counts a failure (gw:{nt}:cp:<cp>)
    redis.call('HINCRBY', 'gw:{nt}:cp:' .. m[13], 'failed', 1)
    redis.call('HINCRBY', 'gw:{nt}:cp:' .. m[13], '-:failed', 1)
  end
  return {NOTHING_TO_SEND}
end
local chain = {}
for pair in string.gmatch(ARGV[2], '[^,]+') do
  local ch, providers = string.match(pair, '^([^=]+)=(.+)$')
  if ch == m[2] then
    for provider in string.gmatch(providers, '[^|]+') do chain[#chain + 1] = provider end
  end
end
local excluded = m[5] or ''
local function is_excluded(provider)
  return string.find(',' .. excluded .. ',', ',' .. provider .. ',', 1, true) ~= nil
end
-- A dispatcher stopped while a provider had this message: it may have been sent there, or not. With another
-- provider left in the chain, that one is excluded (never twice to one provider). With none left, failing it
-- would lose a message that may never have left: it goes there again, marked as a possible duplicate.
-- That provider had built the send and reported it before the step that makes it irreversible (Maileva's
-- submission): it can tell whether it went out. Nothing is excluded nor flagged; the dispatcher asks it first
-- and stays on it (inf is kept, nothing premarked), so a crash during the ask leads here again. The interrupted
-- attempt is listed once per thing built: a begin that finds the reference the last one handed out (that ask
-- was itself interrupted, or could not be answered) lists none.
if m[1] == 'sending' and m[7] and m[7] ~= '' and m[11] and string.sub(m[11], 1, #m[7] + 1) == m[7] .. ':' then
  local ref = string.sub(m[11], #m[7] + 2)
  if m[12] ~= ref then
    redis.call('RPUSH', KEYS[3], cjson.encode({provider = m[7], at = ARGV[3], outcome = 'interrupted'}))
  end
  redis.call('HSET', KEYS[1], 'st', 'sending', 'u', ARGV[1], 'tk', ARGV[4], 'ag', '', 'rs', ref)
  return {WORK, m[2], m[3], m[4], c[1], c[2], m[5] or '', m[6] or '', m[8] or '', '', '', m[7], ref, c[3] or ''}
end
local again = ''
if m[1] == 'sending' and m[7] and m[7] ~= '' then
  local other = false
  for _, provider in ipairs(chain) do
    if provider ~= m[7] and not is_excluded(provider) then other = true end
  end
  redis.call('RPUSH', KEYS[3], cjson.encode({provider = m[7], at = ARGV[3],
    outcome = other and 'interrupted' or 'interrupted, sent again'}))
  if other then
    if excluded == '' then excluded = m[7] else excluded = excluded .. ',' .. m[7] end
    redis.call('HSET', KEYS[1], 'x', excluded)
  else
    again = m[7]
    redis.call('HSET', KEYS[1], 'dup', again)
  end
end
-- The first provider of the channel's chain, unless excluded, is recorded now, before the call (it saves
-- the dispatcher a round trip). If the chain skips it (circuit open), the dispatcher records the one it
-- calls instead; a crash in between excludes a provider that never had it, which only costs a fallback.
local first = ''
for _, provider in ipairs(chain) do
  if first == '' and not is_excluded(provider) then first = provider end
end
redis.call('HSET', KEYS[1], 'st', 'sending', 'u', ARGV[1], 'tk', ARGV[4], 'ag', again)
redis.call('HDEL', KEYS[1], 'rs')
if first ~= '' then redis.call('HSET', KEYS[1], 'inf', first) else redis.call('HDEL', KEYS[1], 'inf') end
return {WORK, m[2], m[3], m[4], c[1], c[2], excluded, m[6] or '', m[8] or '', first, again, '', '', c[3] or ''}

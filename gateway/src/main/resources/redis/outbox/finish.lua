-- finish.lua: records how a send ended and removes the stream entry, atomically: an entry is acknowledged
-- only together with its outcome, so a dispatcher that dies before this leaves it pending for another.
-- KEYS[1] gw:{nt}:n:<id>        record
-- KEYS[2] gw:{nt}:a:<id>        attempts (list of JSON: provider, at, outcome)
-- KEYS[3] gw:{nt}:s:<hi|lo>     stream
-- KEYS[4] gw:{nt}:pm:<provider>:<provider message id>   -> id, so that a delivery report finds it
-- KEYS[5] gw:{nt}:poll                                 messages whose provider is asked for their fate
--                                                       (score: when to ask next, ms)
-- ARGV    now_ms, status (sent|failed), provider, provider_message_id, error, group, entry_id, retention_ms,
--         notification_id, first poll ms ("" when the provider is not asked), poll member, attempt token (the
--         begin's), then one JSON per attempt
-- A campaign's message (cp in the record) also counts its outcome in gw:{nt}:cp:<cp> (hash: sent, failed, and
-- <provider>:sent, <provider>:failed; provider "-" when none took it), the same slot, named from the record.
-- RETURNS {FINISHED}                                                           (FinishReply)
local FINISHED = 1
-- A replay (the client sent it again after a reconnect, or the dispatcher retried it): it ran. Running it
-- again would list the attempts twice and could turn a 'delivered' that a report wrote since back to 'sent'.
if redis.call('HGET', KEYS[1], 'fk') == ARGV[12] then return {FINISHED} end
redis.call('HSET', KEYS[1], 'st', ARGV[2], 'u', ARGV[1], 'pr', ARGV[3], 'mid', ARGV[4], 'err', ARGV[5],
  'fk', ARGV[12])
-- what only a send in progress needs: its provider, its token, and what a provider built for it (the receipt's
-- id, mid, says what went out)
redis.call('HDEL', KEYS[1], 'inf', 'tk', 'ag', 'rf', 'rs')
for i = 13, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
-- TTLs only garbage-collect; retention decisions use the index and now_ms
redis.call('PEXPIRE', KEYS[2], ARGV[8])
if ARGV[2] == 'sent' and ARGV[4] ~= '' then
  redis.call('SET', KEYS[4], ARGV[9], 'PX', ARGV[8])
  if ARGV[10] ~= '' then redis.call('ZADD', KEYS[5], ARGV[10], ARGV[11]) end
end
local cp = redis.call('HGET', KEYS[1], 'cp')
if cp then
  local counts = 'gw:{nt}:cp:' .. cp
  local provider = ARGV[3] ~= '' and ARGV[3] or '-'
  redis.call('HINCRBY', counts, ARGV[2], 1)
  redis.call('HINCRBY', counts, provider .. ':' .. ARGV[2], 1)
  redis.call('PEXPIRE', counts, ARGV[8])
end
redis.call('XACK', KEYS[3], ARGV[6], ARGV[7])
redis.call('XDEL', KEYS[3], ARGV[7])
return {FINISHED}

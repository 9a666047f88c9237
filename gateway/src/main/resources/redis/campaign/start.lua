-- start.lua: records a new credential campaign as running and takes the election's campaign lock for it, unless
-- another campaign holds that lock: one campaign at a time per election, across gateway instances. The lock is
-- held until the campaign ends (finish.lua), whatever its lease: a campaign whose gateway stopped is resumed
-- (claim.lua) or visibly failed, never replaced by a new one.
-- KEYS[1] gw:{el:E}:cp      the lock (hash): c the campaign's id, t its runner's token, u the runner's lease end ms
-- KEYS[2] gw:{el:E}:cp:C    the campaign (hash): s status, ch channel, co college ("" all), ac actor, ip, sa started
--                           ms, fa finished ms, cur cursor (the last pseudonym walked), rs roll size at the start,
--                           wk walked, to in scope, q queued, nc no contact, rf refused, nr not on the roll, e error
-- KEYS[3] gw:{el:E}:cps     the election's campaigns (sorted set, score: started ms)
-- KEYS[4] gw:{el:E}:roll    the roll index (sorted set of pseudonyms, scores 0)
-- ARGV    now_ms, campaign_id, token, until_ms, channel, college, actor, ip, keep_ms
-- RETURNS {HELD, roll size} | {BUSY, the running campaign's id, its lease end ms}            (CampaignReply)
--#include redis/lib/campaign.lua
local held = redis.call('HMGET', KEYS[1], 'c', 'u')
if held[1] then return {BUSY, held[1], tonumber(held[2] or '0')} end
local size = redis.call('ZCARD', KEYS[4])
redis.call('HSET', KEYS[1], 'c', ARGV[2], 't', ARGV[3], 'u', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[9])
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 's', 'running', 'ch', ARGV[5], 'co', ARGV[6], 'ac', ARGV[7], 'ip', ARGV[8],
  'sa', ARGV[1], 'cur', '', 'rs', size, 'wk', 0, 'to', 0, 'q', 0, 'nc', 0, 'rf', 0, 'nr', 0)
redis.call('PEXPIRE', KEYS[2], ARGV[9])
redis.call('ZADD', KEYS[3], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[3], ARGV[9])
return {HELD, size}

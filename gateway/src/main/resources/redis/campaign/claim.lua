-- claim.lua: a gateway takes over a running campaign whose runner's lease has run out (its gateway stopped, or
-- lost Redis for that long), to resume it from its cursor. A lock lost meanwhile (a failover) is taken again.
-- KEYS[1] gw:{el:E}:cp      the lock (start.lua)
-- KEYS[2] gw:{el:E}:cp:C    the campaign (start.lua)
-- ARGV    now_ms, campaign_id, token, until_ms, keep_ms
-- RETURNS {HELD, cursor} taken over | {BUSY} its runner's lease runs | {ENDED} nothing to resume: it has ended, or
--         another campaign holds the lock (this one's was lost in a failover): it is then marked failed
--                                                                                           (CampaignReply)
--#include redis/lib/campaign.lua
if redis.call('HGET', KEYS[2], 's') ~= 'running' then return {ENDED} end
local held = redis.call('HMGET', KEYS[1], 'c', 'u')
if held[1] and held[1] ~= ARGV[2] then
  redis.call('HSET', KEYS[2], 's', 'failed', 'fa', ARGV[1], 'e', 'interrupted: its lock was lost and another campaign started')
  return {ENDED}
end
if held[1] and tonumber(held[2]) > tonumber(ARGV[1]) then return {BUSY} end
redis.call('HSET', KEYS[1], 'c', ARGV[2], 't', ARGV[3], 'u', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {HELD, redis.call('HGET', KEYS[2], 'cur') or ''}

-- progress.lua: a page of the roll walked: the campaign's counts grow by the page's, its cursor moves past it and
-- its runner's lease is extended, at once, so a runner that resumes it later starts after the last page counted
-- and counts nothing twice. With zero counts and an empty cursor it only renews the lease.
-- KEYS[1] gw:{el:E}:cp      the lock (start.lua)
-- KEYS[2] gw:{el:E}:cp:C    the campaign (start.lua)
-- ARGV    token, until_ms, cursor ("" keeps it), walked, in_scope, queued, no_contact, refused, not_on_roll
-- RETURNS {HELD} | {LOST} another runner took it over: nothing written                      (CampaignReply)
--#include redis/lib/campaign.lua
if redis.call('HGET', KEYS[1], 't') ~= ARGV[1] then return {LOST} end
redis.call('HSET', KEYS[1], 'u', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], 'cur', ARGV[3]) end
local counts = {wk = ARGV[4], to = ARGV[5], q = ARGV[6], nc = ARGV[7], rf = ARGV[8], nr = ARGV[9]}
for field, n in pairs(counts) do
  if tonumber(n) ~= 0 then redis.call('HINCRBY', KEYS[2], field, n) end
end
return {HELD}

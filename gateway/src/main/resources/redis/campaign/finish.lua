-- finish.lua: records how a campaign ended and releases the election's campaign lock, at once, if its runner still
-- holds it; a runner that lost it (another took the campaign over) writes nothing.
-- KEYS[1] gw:{el:E}:cp      the lock (start.lua)
-- KEYS[2] gw:{el:E}:cp:C    the campaign (start.lua)
-- ARGV    token, status (done or failed), finished_ms, error ("" none)
-- RETURNS {HELD} recorded | {LOST}                                                          (CampaignReply)
--#include redis/lib/campaign.lua
if redis.call('HGET', KEYS[1], 't') ~= ARGV[1] then return {LOST} end
redis.call('HSET', KEYS[2], 's', ARGV[2], 'fa', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[2], 'e', ARGV[4]) end
redis.call('DEL', KEYS[1])
return {HELD}

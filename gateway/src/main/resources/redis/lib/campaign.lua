-- lib/campaign.lua: what the credential-campaign scripts share, put in their place by LuaScript at load time.
-- Reply codes of a campaign's lease, named the same in CampaignReply.java (decoded by number):
local HELD, BUSY, LOST, ENDED = 1, 2, 3, 4

-- lib/import.lua: what the roll-import scripts share, put in their place by LuaScript at load time.
-- Reply codes of an election's import lock, named the same in ImportLockReply.java (decoded by number):
local HELD, BUSY, LOST = 1, 2, 3

-- roles.lua: changes a staff account's roles in one step, so that two organisers changing the same person's roles
-- at once both count (read in the gateway, then written back whole, one change could overwrite the other).
-- An id with no account (no status: only a counter of attempts at an unknown email) is left as it is.
-- KEYS[1] gw:{sf:I}  the account hash (s status, r roles: JSON election id -> role)
-- ARGV    mode ("put": each role set; "add": set only in an election where the account has none; "remove": each
--         election's role taken away, its role argument ignored), then election, role pairs
-- RETURNS {} when there is no account, else {roles_json_after, role_before_1, role_before_2, ...} ("" where the
--         account had no role in that election)
if not redis.call('HGET', KEYS[1], 's') then return {} end
local mode = ARGV[1]
if mode ~= 'put' and mode ~= 'add' and mode ~= 'remove' then return redis.error_reply('roles.lua: mode ' .. mode) end
local raw = redis.call('HGET', KEYS[1], 'r')
local roles = {}
if raw and raw ~= '' then roles = cjson.decode(raw) end
local out = {''}
local changed = false
for i = 2, #ARGV, 2 do
  local election, role = ARGV[i], ARGV[i + 1]
  local before = roles[election]
  out[#out + 1] = before or ''
  if mode == 'put' or (mode == 'add' and before == nil) then
    roles[election] = role
    changed = true
  elseif mode == 'remove' and before ~= nil then
    roles[election] = nil
    changed = true
  end
end
-- cjson writes an empty table as {}, an object, as the gateway reads it
local after = next(roles) == nil and '{}' or cjson.encode(roles)
if changed then redis.call('HSET', KEYS[1], 'r', after) end
out[1] = after
return out

-- import_voter.lua: writes one voter of the roll. Idempotent: the lock, failures, last login and remembered
-- phone are kept across re-imports (émargements live elsewhere and are not touched); the contacts (email, phone,
-- postal address) are the roll's: one the roll does not give is removed (no field is kept empty: a small hash).
-- A key that only held an unknown identifier's failure counter becomes the voter's, counter dropped.
-- Four calls at most (a roll of a million voters runs it a million times): what to remove in one HDEL, what to
-- write in one HSET.
-- KEYS[1] gw:{v:P}  voter hash
-- ARGV    college, secret_hash, identity_enc, email_enc (or ""), phone_enc (or ""), postal_enc (or "")
-- RETURNS {CREATED} | {UPDATED}                              (ImportReply)
local UPDATED, CREATED = 0, 1
local key = KEYS[1]
local existed = redis.call('HEXISTS', key, 'c')
local set = {'c', ARGV[1], 's', ARGV[2], 'n', ARGV[3]}
local absent = {}
if existed == 0 then absent = {'f', 'la'} end
local function contact(field, value)
  if value ~= '' then
    set[#set + 1] = field
    set[#set + 1] = value
  else
    absent[#absent + 1] = field
  end
end
contact('e', ARGV[4])
contact('p', ARGV[5])
contact('a', ARGV[6])
if #absent > 0 then redis.call('HDEL', key, unpack(absent)) end
redis.call('HSET', key, unpack(set))
redis.call('PERSIST', key)
if existed == 1 then return {UPDATED} end
return {CREATED}

-- import_voter.lua: writes one voter of the roll. Idempotent: the lock, failures, last login and remembered
-- phone are kept across re-imports (émargements live elsewhere and are not touched); the contacts (email, phone,
-- postal address) are the roll's: one the roll does not give is removed (no field is kept empty: a small hash).
-- A key that only held an unknown identifier's failure counter becomes the voter's, counter dropped.
-- KEYS[1] gw:{v:P}  voter hash
-- ARGV    college, secret_hash, identity_enc, email_enc (or ""), phone_enc (or ""), postal_enc (or "")
-- RETURNS {CREATED} | {UPDATED}                              (ImportReply)
local UPDATED, CREATED = 0, 1
local key = KEYS[1]
local existed = redis.call('HEXISTS', key, 'c')
if existed == 0 then redis.call('HDEL', key, 'f', 'la') end
redis.call('HSET', key, 'c', ARGV[1], 's', ARGV[2], 'n', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', key, 'e', ARGV[4]) else redis.call('HDEL', key, 'e') end
if ARGV[5] ~= '' then redis.call('HSET', key, 'p', ARGV[5]) else redis.call('HDEL', key, 'p') end
if ARGV[6] ~= '' then redis.call('HSET', key, 'a', ARGV[6]) else redis.call('HDEL', key, 'a') end
redis.call('PERSIST', key)
if existed == 1 then return {UPDATED} end
return {CREATED}

-- emarge.lua: records that a voter has voted (the émargement), once. Safe to run again for the same
-- session: a platform retrying after a 503 (or a lost answer) gets the first record back, never a 409.
-- Another session of the same voter finds the vote already recorded.
-- KEYS[1] gw:{el:E}:em  hash pseudonym -> record JSON {"t":ms,"ip":..,"sid":..,"c":..}
-- ARGV    pseudonym, record_json (this call's record), session_id (the "sid" inside it)
-- RETURNS {RECORDED} | {REPEATED, first_record_json} | {ALREADY_VOTED}        (EmargeReply)
local RECORDED, REPEATED, ALREADY_VOTED = 1, 2, 3
local first = redis.call('HGET', KEYS[1], ARGV[1])
if not first then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return {RECORDED}
end
local ok, rec = pcall(cjson.decode, first)
if ok and type(rec) == 'table' and rec.sid == ARGV[3] then return {REPEATED, first} end
return {ALREADY_VOTED}

-- emarge.lua: records that a voter has voted (the émargement), once. Safe to run again for the same
-- session: a platform retrying after a 503 (or a lost answer) gets the first record back, never a 409.
-- Another session of the same voter finds the vote already recorded.
-- KEYS[1] gw:{el:E}:em  hash pseudonym -> record JSON {"t":ms,"ip":..,"sid":..,"c":..}
-- KEYS[2] gw:{el:E}:to  hash the turnout counters: all, c:<college>, h:<epoch hour>, hc:<epoch hour>:<college>
--                       (kept with each record, so the turnout is read, never counted by a scan)
-- ARGV    pseudonym, record_json (this call's record), session_id (the "sid" inside it)
-- RETURNS {RECORDED} | {REPEATED, first_record_json} | {ALREADY_VOTED}        (EmargeReply)
local RECORDED, REPEATED, ALREADY_VOTED = 1, 2, 3
local first = redis.call('HGET', KEYS[1], ARGV[1])
if not first then
  local rec = cjson.decode(ARGV[2]) -- first: a record that cannot be read writes nothing (no rollback in Redis)
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('HINCRBY', KEYS[2], 'all', 1)
  redis.call('HINCRBY', KEYS[2], 'c:' .. tostring(rec.c), 1)
  local hour = tostring(math.floor(tonumber(rec.t) / 3600000))
  redis.call('HINCRBY', KEYS[2], 'h:' .. hour, 1)
  redis.call('HINCRBY', KEYS[2], 'hc:' .. hour .. ':' .. tostring(rec.c), 1)
  return {RECORDED}
end
local ok, rec = pcall(cjson.decode, first)
if ok and type(rec) == 'table' and rec.sid == ARGV[3] then return {REPEATED, first} end
return {ALREADY_VOTED}

-- seal_release.lua: releases an election's automatic seal claim, if the instance ending its seal still holds it (a
-- claim taken over once it ran out is another instance's).
-- KEYS[1] gw:{el:E}:seal:auto   the claim (SET NX PX, RedisSealStore.claimAutomatic)
-- ARGV    holder
-- RETURNS an empty list
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return {}

-- put_hash.lua: sets fields of a hash and its time to live in one step, so that a connection lost between the two
-- can never leave a key without a TTL (flows and codes would then stay forever); with mode "live", only on a key
-- that still exists (marking a code a moment after it expired must not bring it back).
-- KEYS[1] the hash (gw:{of:F} a login flow, gw:{ok:H} an authorization code)
-- ARGV    ttl_ms, mode ("any", or "live": only if the key exists), then field and value pairs (ARGV[3..])
-- RETURNS {}
if ARGV[2] == 'live' and redis.call('EXISTS', KEYS[1]) == 0 then return {} end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return {}

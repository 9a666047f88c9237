-- code_send.lua: an SMS code is about to be sent to a staff account (its login's second factor): allowed when the
-- last one went at least min_gap_ms ago and fewer than max_sends went in the current window (which starts at the
-- first send once the previous window has passed); the send is then counted. Times are the gateway's clock, not
-- Redis's; the hash expires with the window (a login's success deletes it: the count starts again).
-- KEYS[1] gw:{sf:I}:ss   hash: t last send ms, w window start ms, n sends in the window
-- ARGV    now_ms, min_gap_ms, max_sends, window_ms
-- RETURNS {ALLOWED} | {TOO_SOON} | {TOO_MANY}                           (CodeSendReply)
-- reply codes, named the same in CodeSendReply.java
local ALLOWED, TOO_SOON, TOO_MANY = 1, 2, 3
local now = tonumber(ARGV[1])
local last = tonumber(redis.call('HGET', KEYS[1], 't') or '')
if last and now - last < tonumber(ARGV[2]) then return {TOO_SOON} end
local start = tonumber(redis.call('HGET', KEYS[1], 'w') or '')
local sent = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
if not start or now - start >= tonumber(ARGV[4]) then
  start = now
  sent = 0
end
if sent >= tonumber(ARGV[3]) then return {TOO_MANY} end
redis.call('HSET', KEYS[1], 't', now, 'w', start, 'n', sent + 1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {ALLOWED}

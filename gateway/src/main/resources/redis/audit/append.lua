-- append.lua: appends a writer's events to an election's audit stream, only if the writer's chain head in
-- Redis is the one the writer linked them to (a failed earlier append would otherwise leave a gap that
-- looks like tampering). Each gateway event loop is one writer, so many instances append at once and
-- every writer's chain stays linear.
-- KEYS[1] gw:{el:E}:audit        stream (e event JSON, h SHA-256 hex)
-- KEYS[2] gw:{el:E}:audit:heads  hash writer -> hash of its last event
-- KEYS[3] gw:{el:E}:audit:alerts stream the alert.* events again, under the same ids (the bureau's alerts page
--                                reads them without going through the whole trail)
-- ARGV    writer, expected_head ("" for a new writer), then event_json, hash pairs in chain order
-- RETURNS {APPENDED, new_head} | {HEAD_MOVED, actual_head}   (AppendReply)
local HEAD_MOVED, APPENDED = 0, 1
local head = redis.call('HGET', KEYS[2], ARGV[1]) or ''
if head ~= ARGV[2] then return {HEAD_MOVED, head} end
local last = head
-- an alert: its type, the sixth field of the canonical JSON, starts with "alert." (never a match inside a value)
local ALERT = '^{"w":"[^"]*","n":%d+,"prev":"[^"]*","t":"[^"]*","el":"[^"]*","type":"alert%.'
for i = 3, #ARGV, 2 do
  local id = redis.call('XADD', KEYS[1], '*', 'e', ARGV[i], 'h', ARGV[i + 1])
  if string.find(ARGV[i], ALERT) then
    redis.call('XADD', KEYS[3], id, 'e', ARGV[i], 'h', ARGV[i + 1])
  end
  last = ARGV[i + 1]
end
redis.call('HSET', KEYS[2], ARGV[1], last)
return {APPENDED, last}

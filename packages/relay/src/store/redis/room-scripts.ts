// Lua for the scripts that change one room atomically. Every script takes the room's seven keys
// (./keys.ts, `roomKeyList`) and nothing else, so it runs on one Cluster slot.
//
// Log entries are stream entries with id `<seq>-0` and fields, always in this order:
// i (message id), u (user), m (message), t (sentAt ms), b (bytes counted against the quota).
// Trimming always takes the oldest entries, so XTRIM MINID does the deleting.
//
// The meta hash also holds the room's incarnation (inc) and the run_id of the Redis process
// that last confirmed it (run). A Redis that restarted, failed over or was restored may hold
// an older copy of the room, whose seqs then step back; since no key can tell (an older copy
// has older keys), the first script to touch the room in a new Redis process gives it a new
// incarnation, and clients start its seqs over (see \`incarnation\`).

const PRELUDE = `
local meta, log, cursors, members, presence, sent, sent_order = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]

local function seq_of(id) return tonumber(string.match(id, '^(%d+)')) end

-- Deletes the oldest entries (up to end_id) while take(fields, taken, taken_bytes) says so,
-- appending seq, id, user of each to out when given. Returns the first and last seq deleted.
local function shift_while(end_id, batch, take, out)
  local first, last, taken, bytes, start = nil, nil, 0, 0, '-'
  while true do
    local items, done = redis.call('XRANGE', log, start, end_id, 'COUNT', batch), false
    for _, item in ipairs(items) do
      local f = item[2]
      if not take(f, taken, bytes) then done = true break end
      last = seq_of(item[1])
      first = first or last
      taken = taken + 1
      bytes = bytes + tonumber(f[10])
      if out then out[#out + 1] = last; out[#out + 1] = f[2]; out[#out + 1] = f[4] end
    end
    if done or #items < batch then break end
    start = '(' .. items[#items][1]
    batch = math.min(batch * 2, 1024)
  end
  if last then
    redis.call('XTRIM', log, 'MINID', last + 1)
    redis.call('HINCRBY', meta, 'bytes', -bytes)
  end
  return first, last
end

-- Deletes what every member has acked (everything, when nobody is a member).
local function collect(out)
  local lowest = redis.call('ZRANGE', cursors, 0, 0, 'WITHSCORES')[2]
  local floor = tonumber(lowest or redis.call('HGET', meta, 'seq') or '0')
  return shift_while(floor, 16, function() return true end, out)
end

-- The room's incarnation, renewed with \`candidate\` when the room has none yet or this Redis
-- process is not the one that confirmed it. With \`existing_only\` a room that has no state
-- yet is not created: \`candidate\` is returned and nothing is written.
local function incarnation(candidate, existing_only)
  if existing_only and redis.call('EXISTS', meta) == 0 then return candidate end
  local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
  local held = redis.call('HMGET', meta, 'inc', 'run')
  if held[1] and held[2] == run then return held[1] end
  redis.call('HSET', meta, 'inc', candidate, 'run', run)
  return candidate
end

-- Forgets the room once nobody is in it and nothing is held, as the memory store does.
local function drop_if_unused()
  if redis.call('ZCARD', cursors) > 0 or redis.call('HLEN', presence) > 0 or redis.call('XLEN', log) > 0 then
    return false
  end
  redis.call('DEL', meta, log, cursors, members, presence, sent, sent_order)
  return true
end
`;

/**
 * ARGV: id, user, message, sentAt, bytes, maxEntries, maxBytes, candidate incarnation, client
 * key (or ''). Returns {seq, incarnation[, from, to]}, or for a client key seen before
 * {seq, incarnation, false, false, id, sentAt} of the original, storing nothing.
 */
export const APPEND = `${PRELUDE}
local client_key = ARGV[9]
if client_key ~= '' then
  local seen = redis.call('HGET', sent, client_key)
  if seen then
    local seq, inc, id, sent_at = string.match(seen, '^(%d+) (%S+) (%S+) (%d+)$')
    return {tonumber(seq), inc, false, false, id, sent_at}
  end
end
local inc = incarnation(ARGV[8], false)
local seq = redis.call('HINCRBY', meta, 'seq', 1)
if client_key ~= '' then
  redis.call('HSET', sent, client_key, seq .. ' ' .. inc .. ' ' .. ARGV[1] .. ' ' .. ARGV[4])
  redis.call('ZADD', sent_order, ARGV[4], client_key)
  if redis.call('ZCARD', sent_order) > tonumber(ARGV[6]) then
    local oldest = redis.call('ZPOPMIN', sent_order)
    redis.call('HDEL', sent, oldest[1])
  end
end
if redis.call('ZCARD', cursors) == 0 then return {seq, inc} end
redis.call('XADD', log, seq .. '-0', 'i', ARGV[1], 'u', ARGV[2], 'm', ARGV[3], 't', ARGV[4], 'b', ARGV[5])
local total = redis.call('HINCRBY', meta, 'bytes', ARGV[5])
local length = redis.call('XLEN', log)
local max_entries, max_bytes = tonumber(ARGV[6]), tonumber(ARGV[7])
if length <= max_entries and total <= max_bytes then return {seq, inc} end
local from, to = shift_while('+', math.max(length - max_entries, 1), function(_, taken, bytes)
  return length - taken > max_entries or total - bytes > max_bytes
end)
return {seq, inc, from, to}
`;

/** ARGV: nameKey, seq. Returns false for a non-member, else {acked, {seq, id, user, ...}}. */
export const ACK = `${PRELUDE}
local current = redis.call('ZSCORE', cursors, ARGV[1])
if not current then return false end
current = tonumber(current)
local latest = tonumber(redis.call('HGET', meta, 'seq') or '0')
local acked = math.max(current, math.min(tonumber(ARGV[2]), latest))
if acked > current then redis.call('ZADD', cursors, acked, ARGV[1]) end
local deleted = {}
collect(deleted)
return {acked, deleted}
`;

/**
 * ARGV: nameKey, display name, index token, candidate incarnation.
 * Returns {acked, the room's index token, incarnation}.
 */
export const ADD_MEMBER = `${PRELUDE}
local inc = incarnation(ARGV[4], false)
local acked = redis.call('ZSCORE', cursors, ARGV[1])
if not acked then
  acked = redis.call('HGET', meta, 'seq') or '0'
  redis.call('ZADD', cursors, acked, ARGV[1])
  redis.call('HSET', members, ARGV[1], ARGV[2])
end
local token = redis.call('HGET', meta, 'ix')
if not token then
  token = ARGV[3]
  redis.call('HSET', meta, 'ix', token)
end
return {tonumber(acked), token, inc}
`;

/** ARGV: nameKey, candidate incarnation. Returns {acked or false when not a member, incarnation}. */
export const CURSOR = `${PRELUDE}
local acked = redis.call('ZSCORE', cursors, ARGV[1])
if not acked then return {false, false} end
return {tonumber(acked), incarnation(ARGV[2], true)}
`;

/**
 * ARGV: nameKey, display name (optional). Ends the membership and the name's presence in the
 * room. Returns {display name or nil when not a member, {seq, id, user, ...}}.
 */
export const REMOVE_MEMBER = `${PRELUDE}
local name = redis.call('HGET', members, ARGV[1])
redis.call('HDEL', members, ARGV[1])
-- Every connection of the identity leaves with it (presence: connection id -> display name).
local present = redis.call('HGETALL', presence)
for i = 1, #present, 2 do
  if present[i + 1] == name or present[i + 1] == ARGV[2] then redis.call('HDEL', presence, present[i]) end
end
local deleted = {}
if redis.call('ZREM', cursors, ARGV[1]) == 1 then collect(deleted) end
drop_if_unused()
return {name, deleted}
`;

/**
 * ARGV: connection id, display name. Returns 1 when removed, 0 when the connection was not
 * present, -1 when it is present under another name (and stays).
 */
export const REMOVE_PRESENCE = `${PRELUDE}
local held = redis.call('HGET', presence, ARGV[1])
if not held then return 0 end
if held ~= ARGV[2] then return -1 end
redis.call('HDEL', presence, ARGV[1])
drop_if_unused()
return 1
`;

/**
 * ARGV: after, candidate incarnation. Returns {latest seq, XRANGE of the entries after
 * \`after\`, incarnation}, read atomically.
 */
export const ENTRIES_AFTER = `${PRELUDE}
local inc = incarnation(ARGV[2], true)
return {tonumber(redis.call('HGET', meta, 'seq') or '0'), redis.call('XRANGE', log, ARGV[1], '+'), inc}
`;

/** ARGV: limit. Returns {{name, acked, ...}, {seq, id, user, ...} of the newest \`limit\` entries}. */
export const DELIVERY_STATE = `${PRELUDE}
local cursor_list = redis.call('ZRANGE', cursors, 0, -1, 'WITHSCORES')
local named = {}
for i = 1, #cursor_list, 2 do
  named[#named + 1] = redis.call('HGET', members, cursor_list[i]) or cursor_list[i]
  named[#named + 1] = cursor_list[i + 1]
end
local newest = {}
local items = {}
if tonumber(ARGV[1]) > 0 then items = redis.call('XREVRANGE', log, '+', '-', 'COUNT', ARGV[1]) end
for i = #items, 1, -1 do
  local f = items[i][2]
  newest[#newest + 1] = seq_of(items[i][1]); newest[#newest + 1] = f[2]; newest[#newest + 1] = f[4]
end
return {named, newest}
`;

/**
 * ARGV: cutoff (ms), index token seen by the sweeper. Drops entries (and client keys) sent
 * before the cutoff and,
 * when the room has no members left, unindexes it (or forgets it altogether when nobody is
 * present). Returns {1 when the sweeper may remove the room from the index, from, to, the
 * incarnation from..to belong to}.
 */
export const SWEEP_ROOM = `${PRELUDE}
local cutoff = tonumber(ARGV[1])
local from, to = shift_while('+', 16, function(f) return tonumber(f[8]) < cutoff end)
local inc = redis.call('HGET', meta, 'inc')
-- Client keys are remembered as long as their message could be held.
for _, key in ipairs(redis.call('ZRANGE', sent_order, '-inf', '(' .. cutoff, 'BYSCORE')) do redis.call('HDEL', sent, key) end
redis.call('ZREMRANGEBYSCORE', sent_order, '-inf', '(' .. cutoff)
local unindex = 0
if redis.call('ZCARD', cursors) == 0 and redis.call('XLEN', log) == 0 then
  local token = redis.call('HGET', meta, 'ix')
  if not token or token == ARGV[2] then
    unindex = 1
    if not drop_if_unused() then redis.call('HDEL', meta, 'ix') end
  end
end
return {unindex, from or false, to or false, inc or false}
`;

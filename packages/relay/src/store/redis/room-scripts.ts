// Lua for the scripts that change one room atomically (./room-prelude.ts has the keys, the log
// layout and the helpers they share). The group scripts are in ./group-scripts.ts.
import { ROOM_PRELUDE } from "./room-prelude.js";

/**
 * Appends a batch of entries to one room, in order, each as if alone (./batches.ts gathers
 * them). ARGV: maxEntries, maxBytes, candidate incarnation, held budget (0: none), then per
 * entry id, user, message, sentAt, bytes, client key (or ''). Returns one reply per entry:
 * {seq, incarnation[, from, to]}, or for a client key seen before {seq, incarnation, false,
 * false, id, sentAt} of the original, storing nothing; {-1} when the room is encrypted (no text
 * goes in its log); {-2, 'share' or 'budget'} when the entry may not be held (nothing changed).
 * The room's mode and incarnation are read once for the batch: INFO runs once, not per entry.
 */
export const APPEND = `${ROOM_PRELUDE}
local max_entries, max_bytes, budget = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[4])
local encrypted = room_mode('plain') == 'encrypted'
local replies, inc = {}, nil
for at = 5, #ARGV, 6 do
  local id, user, message, sent_at, bytes, client_key = ARGV[at], ARGV[at + 1], ARGV[at + 2], ARGV[at + 3], ARGV[at + 4], ARGV[at + 5]
  local reply
  if encrypted then
    reply = {-1}
  else
    local original = original_of(client_key)
    if original then
      reply = {original[1], original[2], false, false, original[3], original[4]}
    else
      local evict, why = admit(user, tonumber(bytes), max_entries, max_bytes, budget)
      if not evict then
        reply = {-2, why}
      else
        inc = inc or incarnation(ARGV[3], false)
        reply = append_entry(id, user, message, sent_at, bytes, max_entries, inc, client_key, {}, evict)
      end
    end
  end
  replies[#replies + 1] = reply
end
return replies
`;

/**
 * Moves members' cursors in one room, in order, then deletes what every member now has: a
 * batch of acks (./batches.ts gathers them), each as if alone, with one deletion pass for all.
 * ARGV: nameKey, seq, nameKey, seq, ... Returns {replies, deleted}: per ack false for a
 * non-member, else {acked, the cursor before}; deleted as {seq, id, user, MLS kind or '', ...}.
 */
export const ACK = `${ROOM_PRELUDE}
local latest, replies, any = tonumber(redis.call('HGET', meta, 'seq') or '0'), {}, false
for at = 1, #ARGV, 2 do
  local current = redis.call('ZSCORE', cursors, ARGV[at])
  if current then
    current = tonumber(current)
    local acked = math.max(current, math.min(tonumber(ARGV[at + 1]), latest))
    if acked > current then redis.call('ZADD', cursors, acked, ARGV[at]) end
    replies[#replies + 1] = {acked, current}
    any = true
  else
    replies[#replies + 1] = false
  end
end
local deleted = {}
if any then collect(deleted) end
return {replies, deleted}
`;
/**
 * ARGV: nameKey, display name, index token, candidate incarnation, mode of a new room, login
 * key ('' when unknown). Returns {acked, the room's index token, incarnation, mode, 1 when the
 * group's pending removals changed, epoch (-1: no group), {leaf, name, ...} pending}.
 */
export const ADD_MEMBER = `${ROOM_PRELUDE}
local mode = room_mode(ARGV[5])
local inc = incarnation(ARGV[4], false)
local acked = redis.call('ZSCORE', cursors, ARGV[1])
if not acked then
  acked = redis.call('HGET', meta, 'seq') or '0'
  redis.call('ZADD', cursors, acked, ARGV[1])
  redis.call('HSET', members, ARGV[1], ARGV[2])
end
if ARGV[6] ~= '' then redis.call('HSET', member_keys, ARGV[1], ARGV[6]) end
local token = redis.call('HGET', meta, 'ix')
if not token then
  token = ARGV[3]
  redis.call('HSET', meta, 'ix', token)
end
local changed = refresh(ARGV[1]) and 1 or 0
local status = group_status()
return {tonumber(acked), token, inc, mode, changed, status[1], status[2]}
`;

/** ARGV: nameKey, candidate incarnation. Returns {acked or false when not a member, incarnation, mode}. */
export const CURSOR = `${ROOM_PRELUDE}
local acked = redis.call('ZSCORE', cursors, ARGV[1])
if not acked then return {false, false, false} end
return {tonumber(acked), incarnation(ARGV[2], true), room_mode(false) or 'plain'}
`;

/**
 * ARGV: nameKey, display name (optional). Ends the membership and the name's presence in the
 * room; in an encrypted room its leaves become pending removals. Returns {display name or nil
 * when not a member, {seq, id, user, ...}, 1 when the pending removals changed (and the room
 * lives on), epoch, {leaf, name, ...} pending, incarnation}.
 */
export const REMOVE_MEMBER = `${ROOM_PRELUDE}
local name = redis.call('HGET', members, ARGV[1])
redis.call('HDEL', members, ARGV[1])
redis.call('HDEL', member_keys, ARGV[1])
-- Every connection of the identity leaves with it (presence: connection id -> display name).
local present = redis.call('HGETALL', presence)
for i = 1, #present, 2 do
  if present[i + 1] == name or present[i + 1] == ARGV[2] then redis.call('HDEL', presence, present[i]) end
end
local deleted = {}
if redis.call('ZREM', cursors, ARGV[1]) == 1 then collect(deleted) end
local changed = refresh(ARGV[1]) and 1 or 0
local inc = redis.call('HGET', meta, 'inc') or ''
if drop_if_unused() then changed = 0 end
local status = group_status()
return {name, deleted, changed, status[1], status[2], inc}
`;

/**
 * ARGV: connection id, display name. Returns 1 when removed, 0 when the connection was not
 * present, -1 when it is present under another name (and stays).
 */
export const REMOVE_PRESENCE = `${ROOM_PRELUDE}
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
export const ENTRIES_AFTER = `${ROOM_PRELUDE}
local inc = incarnation(ARGV[2], true)
return {tonumber(redis.call('HGET', meta, 'seq') or '0'), redis.call('XRANGE', log, ARGV[1], '+'), inc}
`;

/** ARGV: limit. Returns {{name, acked, ...}, {seq, id, user, MLS kind or '', ...} of the newest \`limit\` entries}. */
export const DELIVERY_STATE = `${ROOM_PRELUDE}
local NAMES_PER_READ = 1000
local cursor_list = redis.call('ZRANGE', cursors, 0, -1, 'WITHSCORES')
local named = {}
-- The display names by one HMGET per NAMES_PER_READ members rather than an HGET each (receipts
-- read this for every room with acks, every interval); in batches because unpack is bounded by
-- Lua's stack. A member without a display name goes by its name key.
for first = 1, #cursor_list, 2 * NAMES_PER_READ do
  local last = math.min(first + 2 * NAMES_PER_READ - 1, #cursor_list)
  local keys = {}
  for i = first, last, 2 do keys[#keys + 1] = cursor_list[i] end
  local names = redis.call('HMGET', members, unpack(keys))
  for j, key in ipairs(keys) do
    named[#named + 1] = names[j] or key
    named[#named + 1] = cursor_list[first + 2 * j - 1]
  end
end
local newest = {}
local items = {}
-- ARGV[2], ARGV[3]: the first and last seq wanted ('-', '+': all); stream ids are <seq>-0.
if tonumber(ARGV[1]) > 0 then items = redis.call('XREVRANGE', log, ARGV[3], ARGV[2], 'COUNT', ARGV[1]) end
for i = #items, 1, -1 do
  local f = items[i][2]
  newest[#newest + 1] = seq_of(items[i][1]); newest[#newest + 1] = f[2]; newest[#newest + 1] = f[4]; newest[#newest + 1] = f[12] or ''
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
export const SWEEP_ROOM = `${ROOM_PRELUDE}
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

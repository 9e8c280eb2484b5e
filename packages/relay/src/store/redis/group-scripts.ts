// Lua for room modes and encrypted rooms' groups, one room at a time (./room-prelude.ts has the
// keys and helpers). The relay reads the MLS framing in Node and passes what it read; the scripts
// check it against the group and apply it atomically, so the first commit of an epoch wins on
// every node.
import { ROOM_PRELUDE } from "./room-prelude.js";

/** No ARGV. Returns {mode} or {false} when the room has no state. */
export const ROOM_MODE = `${ROOM_PRELUDE}
return {room_mode(false)}
`;

/**
 * ARGV: connection id, display name, mode of a new room, only (a mode, or '' for any). Marks the
 * connection present unless the room's mode is not \`only\`. Returns {1 when added (0 when it was
 * there or was refused), mode}.
 */
export const ADD_PRESENCE = `${ROOM_PRELUDE}
local mode = room_mode(false)
if mode and ARGV[4] ~= '' and mode ~= ARGV[4] then return {0, mode} end
if not mode then mode = room_mode(ARGV[4] ~= '' and ARGV[4] or ARGV[3]) end
return {redis.call('HSET', presence, ARGV[1], ARGV[2]), mode}
`;

// {'refused', reason, incarnation, epoch, {leaf, name, ...}}
const REFUSE = `
local function refuse(reason, inc)
  local status = group_status()
  return {'refused', reason, inc or redis.call('HGET', meta, 'inc') or '', status[1], status[2]}
end
`;

/**
 * ARGV: room, candidate incarnation, group id, GroupInfo (base64), leaves (JSON [[leaf, name,
 * nameKey, key], ...]). Starts the group at epoch 0 if the room is encrypted, has none, and the
 * id is \`pigeon/<incarnation>/<room>\`. Returns {'ok', incarnation, epoch, pending} or a refusal.
 */
export const CREATE_GROUP = `${ROOM_PRELUDE}${REFUSE}
if room_mode(false) ~= 'encrypted' then return refuse('plain') end
local inc = incarnation(ARGV[2], false)
if redis.call('EXISTS', group) == 1 then return refuse('stale', inc) end
if ARGV[3] ~= 'pigeon/' .. inc .. '/' .. ARGV[1] then return refuse('group-id', inc) end
redis.call('HSET', group, 'epoch', 0, 'id', ARGV[3], 'info', ARGV[4])
set_leaves(ARGV[5])
local status = group_status()
return {'ok', inc, status[1], status[2]}
`;

/**
 * ARGV: id, user, message (base64), sentAt, bytes, maxEntries, maxBytes, candidate incarnation,
 * client key (or ''), kind, epoch, held budget (0: none), then for a commit: group id, committer (a leaf, or
 * 'external'), committer's nameKey, committer's key, next epoch, next GroupInfo, next leaves
 * (JSON as for CREATE_GROUP). A retried client key gets {'original', seq, incarnation, id,
 * sentAt, epoch, pending}; an accepted message {'ok', seq, incarnation, from or false, to or
 * false, 1 when the pending removals changed, epoch, pending}; {'quota', 'share' or 'budget'}
 * when the entry may not be held (nothing changed); otherwise a refusal.
 */
export const APPEND_MLS = `${ROOM_PRELUDE}${REFUSE}
local original = original_of(ARGV[9])
if original then
  local status = group_status()
  return {'original', original[1], redis.call('HGET', meta, 'inc') or original[2], original[3], original[4], status[1], status[2]}
end
if room_mode(false) ~= 'encrypted' then return refuse('plain') end
local inc = incarnation(ARGV[8], false)
local epoch = redis.call('HGET', group, 'epoch')
if not epoch or tonumber(epoch) ~= tonumber(ARGV[11]) then return refuse('stale', inc) end
local changed = 0
if ARGV[10] == 'commit' then
  if redis.call('HGET', group, 'id') ~= ARGV[13] then return refuse('group-id', inc) end
  if ARGV[14] ~= 'external' and redis.call('HGET', group_leaves, 'l:' .. ARGV[14]) ~= ARGV[15] .. '\\n' .. ARGV[16] then
    return refuse('sender', inc)
  end
elseif redis.call('HLEN', group_pending) > 0 then
  return refuse('pending', inc)
end
local evict, why = admit(ARGV[2], tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[12]))
if not evict then return {'quota', why} end
if ARGV[10] == 'commit' then
  redis.call('HSET', group, 'epoch', ARGV[17], 'info', ARGV[18])
  if set_leaves(ARGV[19]) then changed = 1 end
end
local placed = append_entry(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]), inc, ARGV[9], {'k', ARGV[10], 'e', ARGV[11]}, evict)
local status = group_status()
return {'ok', placed[1], placed[2], placed[3] or false, placed[4] or false, changed, status[1], status[2]}
`;

/**
 * ARGV: candidate incarnation. Returns {false} for a room without state, else {mode,
 * incarnation, latest seq, GroupInfo or false, epoch, pending}, read together.
 */
export const GROUP_VIEW = `${ROOM_PRELUDE}
local mode = room_mode(false)
if not mode then return {false} end
local inc = incarnation(ARGV[1], true)
local status = group_status()
return {mode, inc, tonumber(redis.call('HGET', meta, 'seq') or '0'), redis.call('HGET', group, 'info'), status[1], status[2]}
`;

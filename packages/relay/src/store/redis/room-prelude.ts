// The Lua every room script starts with: the room's fourteen keys (./keys.ts, `roomKeyList`) and the
// helpers they share. Every script takes those keys and nothing else, so it runs on one Cluster slot
// (outside a Cluster, the deployment's held-bytes counter is the one key shared by every room).
//
// Log entries are stream entries with id `<seq>-0` and fields, always in this order:
// i (message id), u (user), m (message), t (sentAt ms), b (bytes counted against the quota), and
// for an encrypted room's MLS entries k (kind) and e (epoch). Trimming always takes the oldest
// entries, so XTRIM MINID does the deleting; only a sender pushed past its share loses its own
// oldest entries from the middle (XDEL). Every held entry is also counted in the sender index
// and counts, the room's bytes and the deployment's held bytes, all by `count_entry`.
//
// The meta hash also holds the room's incarnation (inc) and the run_id of the Redis process
// that last confirmed it (run). A Redis that restarted, failed over or was restored may hold
// an older copy of the room, whose seqs then step back; since no key can tell (an older copy
// has older keys), the first script to touch the room in a new Redis process gives it a new
// incarnation, and clients start its seqs over (see `incarnation`). An encrypted room's group
// belongs to one incarnation (its id names it), so a new incarnation drops the group too.

/**
 * What one held entry costs Redis beyond its bytes: its stream entry, its sender-index member and
 * its client key's hash field and ZSET member. Measured at 446-484 bytes (INFO used_memory over
 * 10,000 entries of 40 and of 400 bytes in 10 rooms, Redis 7); rounded up.
 */
export const REDIS_ENTRY_OVERHEAD_BYTES = 512;

/** The room's keys and shared helpers, in front of every room script. */
export const ROOM_PRELUDE = `
local meta, log, cursors, members, presence, sent, sent_order = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local member_keys, group, group_leaves, group_pending = KEYS[8], KEYS[9], KEYS[10], KEYS[11]
local senders, sender_log, held = KEYS[12], KEYS[13], KEYS[14]
local ENTRY_OVERHEAD = ${REDIS_ENTRY_OVERHEAD_BYTES}

local function seq_of(id) return tonumber(string.match(id, '^(%d+)')) end

-- A sender's entries in the sender index all start with this, and no other sender's do.
local function sender_prefix(user) return #user .. ':' .. user .. ':' end

-- Counts a held entry in (sign 1) or out (sign -1): the sender index and counts, the room's
-- bytes and the deployment's held bytes (whose key goes when it reaches nothing).
local function count_entry(sign, user, seq, bytes)
  local member = sender_prefix(user) .. string.format('%016d', seq) .. ':' .. bytes
  if sign > 0 then redis.call('ZADD', sender_log, 0, member) else redis.call('ZREM', sender_log, member) end
  if redis.call('HINCRBY', senders, 'n:' .. user, sign) > 0 then
    redis.call('HINCRBY', senders, 'b:' .. user, sign * bytes)
  else
    redis.call('HDEL', senders, 'n:' .. user, 'b:' .. user)
  end
  redis.call('HINCRBY', meta, 'bytes', sign * bytes)
  redis.call('HINCRBY', held, 'bytes', sign * (bytes + ENTRY_OVERHEAD))
  if redis.call('HINCRBY', held, 'entries', sign) <= 0 then redis.call('DEL', held) end
end

-- Deletes the oldest entries (up to end_id) while take(fields, taken, taken_bytes) says so,
-- appending seq, id, user and MLS kind ('' for a plain entry) of each to out when given. Returns the first and last seq deleted.
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
      count_entry(-1, f[4], last, tonumber(f[10]))
      if out then out[#out + 1] = last; out[#out + 1] = f[2]; out[#out + 1] = f[4]; out[#out + 1] = f[12] or '' end
    end
    if done or #items < batch then break end
    start = '(' .. items[#items][1]
    batch = math.min(batch * 2, 1024)
  end
  if last then redis.call('XTRIM', log, 'MINID', last + 1) end
  return first, last
end

-- Deletes what every member has acked (everything, when nobody is a member).
local function collect(out)
  local lowest = redis.call('ZRANGE', cursors, 0, 0, 'WITHSCORES')[2]
  local floor = tonumber(lowest or redis.call('HGET', meta, 'seq') or '0')
  return shift_while(floor, 16, function() return true end, out)
end

-- The room's incarnation, renewed with "candidate" when the room has none yet or this Redis
-- process is not the one that confirmed it (the group goes with the old one). With
-- "existing_only" a room that has no state yet is not created: "candidate" is returned and
-- nothing is written.
local function incarnation(candidate, existing_only)
  if existing_only and redis.call('EXISTS', meta) == 0 then return candidate end
  local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
  local held = redis.call('HMGET', meta, 'inc', 'run')
  if held[1] and held[2] == run then return held[1] end
  redis.call('HSET', meta, 'inc', candidate, 'run', run)
  redis.call('DEL', group, group_leaves, group_pending)
  return candidate
end

-- The room's mode. A room with state but no mode was made before modes, or by a guest: plain.
-- A room without state gets "wanted" when given; otherwise false (and nothing is written).
local function room_mode(wanted)
  local mode = redis.call('HGET', meta, 'mode')
  if mode then return mode end
  if redis.call('EXISTS', meta) == 1 or redis.call('HLEN', presence) > 0 or redis.call('ZCARD', cursors) > 0 then
    mode = 'plain'
  elseif wanted then
    mode = wanted
  else
    return false
  end
  if wanted then redis.call('HSET', meta, 'mode', mode) end
  return mode
end

-- Forgets the room once nobody is in it and nothing is held, as the memory store does: its
-- mode and group go with it.
local function drop_if_unused()
  if redis.call('ZCARD', cursors) > 0 or redis.call('HLEN', presence) > 0 or redis.call('XLEN', log) > 0 then
    return false
  end
  redis.call('DEL', meta, log, cursors, members, presence, sent, sent_order, member_keys, group, group_leaves, group_pending, senders, sender_log)
  return true
end

-- Decides again whether a name's group leaves are pending removals: a leaf is, unless its name
-- is a member whose login key is the leaf's key. Returns whether that changed.
local function refresh(name_key)
  local listed = redis.call('HGET', group_leaves, 'n:' .. name_key)
  if not listed then return false end
  local key = redis.call('HGET', member_keys, name_key)
  local changed = false
  for _, leaf in ipairs(cjson.decode(listed)) do
    if key ~= leaf[3] then
      if redis.call('HSET', group_pending, leaf[1], leaf[2]) == 1 then changed = true end
    elseif redis.call('HDEL', group_pending, leaf[1]) == 1 then
      changed = true
    end
  end
  return changed
end

-- Where the group stands: {epoch (-1 without a group), {leaf, name, ...} pending}.
local function group_status()
  return {tonumber(redis.call('HGET', group, 'epoch') or '-1'), redis.call('HGETALL', group_pending)}
end

-- Replaces the group's leaves with those of a GroupInfo (JSON [[leaf, name, nameKey, key], ...])
-- and decides every pending removal again. Returns whether the pending removals changed.
local function set_leaves(leaves_json)
  local before = redis.call('HGETALL', group_pending)
  redis.call('DEL', group_leaves, group_pending)
  local by_name, names = {}, {}
  for _, leaf in ipairs(cjson.decode(leaves_json)) do
    redis.call('HSET', group_leaves, 'l:' .. leaf[1], leaf[3] .. '\\n' .. leaf[4])
    if not by_name[leaf[3]] then by_name[leaf[3]] = {}; names[#names + 1] = leaf[3] end
    table.insert(by_name[leaf[3]], {leaf[1], leaf[2], leaf[4]})
  end
  for _, name_key in ipairs(names) do
    redis.call('HSET', group_leaves, 'n:' .. name_key, cjson.encode(by_name[name_key]))
    refresh(name_key)
  end
  if redis.call('HLEN', group_pending) * 2 ~= #before then return true end
  for i = 1, #before, 2 do
    if redis.call('HGET', group_pending, before[i]) ~= before[i + 1] then return true end
  end
  return false
end

-- Whether an entry of user's of "bytes" may be held: the sender index members of the user's own
-- oldest entries that must go first (past the user's share, half the room's quota, or past the
-- quota), or nil and why not ('share': its own are too few; 'budget': the deployment's budget
-- would be passed, when budget > 0). Changes nothing.
local function admit(user, bytes, max_entries, max_bytes, budget)
  if redis.call('ZCARD', cursors) == 0 then return {} end
  local counts = redis.call('HMGET', senders, 'n:' .. user, 'b:' .. user)
  local own_entries, own_bytes = tonumber(counts[1] or '0') + 1, tonumber(counts[2] or '0') + bytes
  local entries, total = redis.call('XLEN', log) + 1, tonumber(redis.call('HGET', meta, 'bytes') or '0') + bytes
  local share_entries, share_bytes = math.ceil(max_entries / 2), math.floor(max_bytes / 2)
  local prefix = sender_prefix(user)
  local evict, batch, at, freed = {}, {}, 0, 0
  while own_entries > share_entries or own_bytes > share_bytes or entries > max_entries or total > max_bytes do
    at = at + 1
    if at > #batch then
      batch, at = redis.call('ZRANGEBYLEX', sender_log, '[' .. prefix, '(' .. prefix .. ':', 'LIMIT', #evict, 32), 1
      if #batch == 0 then return nil, 'share' end
    end
    local size = tonumber(string.match(batch[at], ':(%d+)$'))
    evict[#evict + 1] = batch[at]
    own_entries, entries, own_bytes, total = own_entries - 1, entries - 1, own_bytes - size, total - size
    freed = freed + size + ENTRY_OVERHEAD
  end
  if budget > 0 and tonumber(redis.call('HGET', held, 'bytes') or '0') + bytes + ENTRY_OVERHEAD - freed > budget then return nil, 'budget' end
  return evict
end

-- Gives an entry the next seq and holds it (if the room has members), remembering its client
-- key and pushing out the sender's entries "admit" named (evict); extra holds the MLS fields
-- (k, kind, e, epoch) or nothing. Returns {seq, inc[, from, to]}.
local function append_entry(id, user, message, sent_at, bytes, max_entries, inc, client_key, extra, evict)
  local seq = redis.call('HINCRBY', meta, 'seq', 1)
  if client_key ~= '' then
    redis.call('HSET', sent, client_key, seq .. ' ' .. inc .. ' ' .. id .. ' ' .. sent_at)
    redis.call('ZADD', sent_order, sent_at, client_key)
    if redis.call('ZCARD', sent_order) > max_entries then
      local oldest = redis.call('ZPOPMIN', sent_order)
      redis.call('HDEL', sent, oldest[1])
    end
  end
  if redis.call('ZCARD', cursors) == 0 then return {seq, inc} end
  redis.call('XADD', log, seq .. '-0', 'i', id, 'u', user, 'm', message, 't', sent_at, 'b', bytes, unpack(extra))
  count_entry(1, user, seq, bytes)
  if #evict == 0 then return {seq, inc} end
  local from, to
  for _, member in ipairs(evict) do
    local old_seq, old_bytes = string.match(member, ':(%d+):(%d+)$')
    old_seq = tonumber(old_seq)
    redis.call('XDEL', log, old_seq .. '-0')
    count_entry(-1, user, old_seq, tonumber(old_bytes))
    from, to = from or old_seq, old_seq
  end
  return {seq, inc, from, to}
end

-- The original's {seq, inc, id, sentAt} when a client key was seen in this room, else nil.
local function original_of(client_key)
  if client_key == '' then return nil end
  local seen = redis.call('HGET', sent, client_key)
  if not seen then return nil end
  local seq, inc, id, sent_at = string.match(seen, '^(%d+) (%S+) (%S+) (%d+)$')
  return {tonumber(seq), inc, id, sent_at}
end
`;

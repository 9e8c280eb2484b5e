// Lua for the scripts that change one identity atomically. Each takes the identity's three keys
// (./keys.ts, `identityKeyList`), so it runs on one Cluster slot. A name is held while its record
// has a `kind`: a guest's while it has connections, a keyed one's while it has connections or
// rooms and for the member TTL after its last connection closed (`away`).

const PRELUDE = `
local record, connections, rooms = KEYS[1], KEYS[2], KEYS[3]
`;

/**
 * ARGV: kind, public key ('' for guests), connection id, cutoff (ms: a keyed name whose owner
 * has been away since before it, in no room, is free), display name. Returns 1 when claimed, 2
 * when the connection held the name already, {0, holder's kind, holder's display name} when taken.
 */
export const CLAIM_NAME = `${PRELUDE}
local kind = redis.call('HGET', record, 'kind')
if kind == 'keyed' and redis.call('SCARD', connections) == 0 and redis.call('SCARD', rooms) == 0
    and tonumber(redis.call('HGET', record, 'away') or '0') < tonumber(ARGV[4]) then
  redis.call('DEL', record)
  kind = false
end
local function taken() return {0, kind, redis.call('HGET', record, 'name') or ARGV[5]} end
if kind == 'keyed' then
  if ARGV[1] ~= 'keyed' or redis.call('HGET', record, 'pk') ~= ARGV[2] then return taken() end
elseif kind then
  if ARGV[1] ~= 'guest' or redis.call('SISMEMBER', connections, ARGV[3]) == 0 then return taken() end
else
  redis.call('HSET', record, 'kind', ARGV[1], 'pk', ARGV[2], 'name', ARGV[5])
end
if redis.call('SADD', connections, ARGV[3]) == 0 then return 2 end
return 1
`;

/**
 * ARGV: connection id, now. With the name's last connection: frees a guest's name and returns
 * 1; keeps a keyed one, away from now, and returns 2 (the sweep forgets it a member TTL later).
 * Returns 0 otherwise.
 */
export const RELEASE_NAME = `${PRELUDE}
if redis.call('SREM', connections, ARGV[1]) == 0 or redis.call('SCARD', connections) > 0 then return 0 end
redis.call('HSET', record, 'away', ARGV[2])
local kind = redis.call('HGET', record, 'kind')
if kind == 'keyed' then return 2 end
if redis.call('SCARD', rooms) == 0 then
  redis.call('DEL', record)
elseif kind == 'guest' then
  redis.call('HDEL', record, 'kind', 'pk', 'name')
end
return 1
`;

/**
 * ARGV: room, join token, most rooms (0: no bound). Lists the room and stamps the identity with
 * a fresh token, so that a concurrent leave or sweep that read the previous token knows not to
 * unlist the room. Returns 0, changing nothing, when a new room would pass the bound.
 */
export const LIST_ROOM = `${PRELUDE}
local most = tonumber(ARGV[3] or '0')
if most > 0 and redis.call('SISMEMBER', rooms, ARGV[1]) == 0 and redis.call('SCARD', rooms) >= most then return 0 end
redis.call('SADD', rooms, ARGV[1])
redis.call('HSET', record, 'gen', ARGV[2])
return 1
`;

/**
 * ARGV: cutoff (ms). What the sweeper should do with this identity: {'present'} (connected),
 * {'wait', away} (not away long enough), {'gone'} (no rooms; the record is deleted, so a keyed
 * name away since before the cutoff is free), or {'drop', gen, rooms}. An identity in rooms
 * whose name nobody holds is dropped, as in the memory store.
 */
export const INSPECT_AWAY = `${PRELUDE}
local listed = redis.call('SMEMBERS', rooms)
if redis.call('HEXISTS', record, 'kind') == 1 then
  if redis.call('SCARD', connections) > 0 then return {'present'} end
  local away = redis.call('HGET', record, 'away') or '0'
  if tonumber(away) >= tonumber(ARGV[1]) then return {'wait', away} end
end
if #listed == 0 then
  if redis.call('SCARD', connections) == 0 then redis.call('DEL', record) end
  return {'gone'}
end
return {'drop', redis.call('HGET', record, 'gen') or '', listed}
`;

/**
 * ARGV: gen, rooms... Unlists rooms the identity has left, unless it joined a room since `gen`
 * was read; forgets an identity left with neither rooms, connections nor a name held (a keyed
 * name outlives its rooms: INSPECT_AWAY forgets it). Returns -1 when skipped, else how many
 * rooms are still listed.
 */
export const UNLIST_ROOMS = `${PRELUDE}
if (redis.call('HGET', record, 'gen') or '') ~= ARGV[1] then return -1 end
for i = 2, #ARGV do redis.call('SREM', rooms, ARGV[i]) end
local left = redis.call('SCARD', rooms)
if left == 0 and redis.call('SCARD', connections) == 0 and redis.call('HEXISTS', record, 'kind') == 0 then
  redis.call('DEL', record)
end
return left
`;

/** KEYS: the room index. ARGV: room, token. Removes the room only if still indexed under `token`. */
export const UNINDEX_ROOM = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
`;

/** KEYS: the identity index. ARGV: nameKey, score. Removes the identity only if its score is unchanged. */
export const UNINDEX_IDENTITY = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
`;

// Lua for the scripts that change one identity atomically. Each takes the identity's three keys
// (./keys.ts, `identityKeyList`), so it runs on one Cluster slot. A name is held while its record
// has a `kind`; the record itself lives on while the identity has connections or rooms.

const PRELUDE = `
local record, connections, rooms = KEYS[1], KEYS[2], KEYS[3]
`;

/**
 * ARGV: kind, public key ('' for guests), connection id. Returns 0 when taken, 1 when claimed,
 * 2 when the connection held the name already.
 */
export const CLAIM_NAME = `${PRELUDE}
local kind = redis.call('HGET', record, 'kind')
if kind == 'keyed' then
  if ARGV[1] ~= 'keyed' or redis.call('HGET', record, 'pk') ~= ARGV[2] then return 0 end
elseif kind then
  if ARGV[1] ~= 'guest' or redis.call('SISMEMBER', connections, ARGV[3]) == 0 then return 0 end
else
  redis.call('HSET', record, 'kind', ARGV[1], 'pk', ARGV[2])
end
if redis.call('SADD', connections, ARGV[3]) == 0 then return 2 end
return 1
`;

/** ARGV: connection id, now. Frees a guest's name, or a keyed one without rooms, with its last connection. */
export const RELEASE_NAME = `${PRELUDE}
if redis.call('SREM', connections, ARGV[1]) == 0 or redis.call('SCARD', connections) > 0 then return 0 end
redis.call('HSET', record, 'away', ARGV[2])
if redis.call('SCARD', rooms) == 0 then
  redis.call('DEL', record)
elseif redis.call('HGET', record, 'kind') == 'guest' then
  redis.call('HDEL', record, 'kind', 'pk')
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
 * ARGV: cutoff (ms). What the sweeper should do with this identity: {'gone'} (no rooms),
 * {'present'} (connected), {'wait', away} (not away long enough), or {'drop', gen, rooms}.
 * An identity in rooms whose name nobody holds is dropped, as in the memory store.
 */
export const INSPECT_AWAY = `${PRELUDE}
local listed = redis.call('SMEMBERS', rooms)
if #listed == 0 then return {'gone'} end
if redis.call('HEXISTS', record, 'kind') == 1 then
  if redis.call('SCARD', connections) > 0 then return {'present'} end
  local away = redis.call('HGET', record, 'away') or '0'
  if tonumber(away) >= tonumber(ARGV[1]) then return {'wait', away} end
end
return {'drop', redis.call('HGET', record, 'gen') or '', listed}
`;

/**
 * ARGV: gen, rooms... Unlists rooms the identity has left, unless it joined a room since `gen`
 * was read; forgets the identity (freeing its name) once it has neither rooms nor connections.
 * Returns -1 when skipped, else how many rooms are still listed.
 */
export const UNLIST_ROOMS = `${PRELUDE}
if (redis.call('HGET', record, 'gen') or '') ~= ARGV[1] then return -1 end
for i = 2, #ARGV do redis.call('SREM', rooms, ARGV[i]) end
local left = redis.call('SCARD', rooms)
if left == 0 and redis.call('SCARD', connections) == 0 then redis.call('DEL', record) end
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

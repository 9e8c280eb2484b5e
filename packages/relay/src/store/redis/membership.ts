// Memberships span two slots: the room's (cursor, display name) and the identity's (its list
// of rooms, which keeps its name held). No script can change both, so each operation is a few
// single-slot steps, ordered so that the only half-done state is "the identity lists a room it
// is not a member of". That state is harmless: `memberships` ignores such rooms, the name stays
// held a little longer, and the next join, leave or member sweep of that identity repairs it.
// The opposite ("a member the identity does not list") would escape the member TTL, so no
// crash and no race may produce it; the `gen` token guards the races (see `removeMember`).
import { randomBytes } from "node:crypto";
import {
  nameKey,
  newIncarnation,
  QuotaExceededError,
  quotaMessage,
  type DeletedEntry,
  type GroupChange,
  type MemberOptions,
  type MemberPlace,
  type RetentionLimits,
  type RoomCursor,
} from "../relay-store.js";
import { identityKeyList, roomKeyList, type KeyLayout } from "./keys.js";
import { entryRefs, groupStatus, list, num, roomMode, str } from "./replies.js";
import type { RedisClient } from "./scripts.js";

/** What the Redis store's helpers work with. */
export interface RedisContext {
  readonly redis: RedisClient;
  readonly keys: KeyLayout;
  readonly limits: RetentionLimits;
}

const TOKEN_PREFIX = randomBytes(9).toString("base64url");
let tokenCount = 0;

/** A token unique across processes, for the room index and identity join stamps. */
function newToken(): string {
  tokenCount += 1;
  return `${TOKEN_PREFIX}.${tokenCount.toString(36)}`;
}

/**
 * Makes `name` a member of `room` and returns its cursor. Steps: (1) index the identity for the
 * member sweep and list the room on it (refused past `maxRoomsPerIdentity`, before any other step); (2) add the member in the room; (3) list the room again
 * under a new token and index the room for the message sweep. A crash after (1) leaves a listed
 * room without membership; after (2) an unindexed room, which the room's next join indexes.
 * Step (3) makes a leave that raced steps (1)-(2) skip unlisting the room it no longer leaves.
 */
export async function addMember(context: RedisContext, room: string, name: string, now: number, options: MemberOptions): Promise<MemberPlace> {
  const { redis, keys } = context;
  const key = nameKey(name);
  const identity = identityKeyList(keys.identity(key));
  const most = context.limits.maxRoomsPerIdentity ?? 0;
  const [, listed] = await Promise.all([redis.zadd(keys.identityIndex, now, key), redis.pigeonListRoom(...identity, room, newToken(), most)]);
  // The index entry alone is harmless: the sweep finds an identity without rooms and drops it.
  if (num(listed) === 0) throw new QuotaExceededError(quotaMessage("rooms", most));
  const args = [key, name, newToken(), newIncarnation(), options.mode ?? "plain", options.publicKey ?? ""];
  const [acked, token, incarnation, mode, changed, epoch, pending] = list(await redis.pigeonAddMember(...roomKeyList(keys.room(room)), ...args));
  // Listed already: no bound, so that a leave racing this join can never leave a member unlisted.
  await Promise.all([redis.pigeonListRoom(...identity, room, newToken(), 0), redis.hset(keys.roomIndex, room, str(token))]);
  const place = { acked: num(acked), incarnation: str(incarnation), mode: roomMode(mode) };
  if (place.mode === "plain") return place;
  return { ...place, group: { ...groupStatus(epoch, pending), incarnation: place.incarnation }, groupChanged: num(changed) === 1 };
}


/**
 * Ends `key`'s membership of `room` (entries only it was missing go), then unlists the room
 * from the identity, freeing the name if nothing else holds it. `gen` is the identity's join
 * token read before the room step; if a join happened since, the room stays listed (harmless,
 * see above) rather than risk unlisting a membership that join just made.
 * Returns the member's display name (undefined when it was not a member), the deleted entries,
 * and how many rooms the identity still lists (-1 when the room stayed listed).
 */
export async function removeMember(context: RedisContext, room: string, key: string, gen: string, displayName = ""): Promise<Removal> {
  const { redis, keys } = context;
  const reply = list(await redis.pigeonRemoveMember(...roomKeyList(keys.room(room)), key, displayName));
  const [name, deleted, changed, epoch, pending, incarnation] = reply;
  const roomsLeft = num(await redis.pigeonUnlistRooms(...identityKeyList(keys.identity(key)), gen, room));
  const group = num(changed) === 1 ? { group: { ...groupStatus(epoch, pending), incarnation: str(incarnation) } } : {};
  return { ...(typeof name === "string" ? { name } : {}), deleted: entryRefs(deleted), roomsLeft, ...group };
}

/** What `removeMember` did. */
export interface Removal {
  readonly name?: string;
  readonly deleted: DeletedEntry[];
  readonly roomsLeft: number;
  /** The group's status, when the member's leaves became pending removals. */
  readonly group?: GroupChange;
}

/** The identity's join token, to pass to `removeMember`. */
export async function joinToken(context: RedisContext, key: string): Promise<string> {
  return (await context.redis.hget(context.keys.identity(key).record, "gen")) ?? "";
}

/** The rooms `name` is a member of, with its cursors; rooms listed by a half-done step are left out. */
export async function memberships(context: RedisContext, name: string): Promise<RoomCursor[]> {
  const { redis, keys } = context;
  const key = nameKey(name);
  const rooms = await redis.smembers(keys.identity(key).rooms);
  const cursors = await Promise.all(rooms.map((room) => redis.pigeonCursor(...roomKeyList(keys.room(room)), key, newIncarnation())));
  return rooms.flatMap((room, index) => {
    const [acked, incarnation, mode] = list(cursors[index]);
    return acked === null ? [] : [{ room, acked: num(acked), incarnation: str(incarnation), mode: roomMode(mode) }];
  });
}

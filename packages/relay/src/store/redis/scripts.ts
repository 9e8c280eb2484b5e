import type { Cluster, Redis, Result } from "ioredis";
import * as group from "./group-scripts.js";
import * as identity from "./identity-scripts.js";
import * as liveness from "./liveness-scripts.js";
import * as room from "./room-scripts.js";

/** A key or an argument of a script call. */
type ScriptArg = string | number;

declare module "ioredis" {
  // The store's Lua scripts, registered by `defineScripts`: ioredis sends each as EVALSHA and
  // falls back to EVAL the first time a connection meets it (or after SCRIPT FLUSH).
  interface RedisCommander<Context> {
    pigeonAppend(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonAck(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonAddMember(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonRemoveMember(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonRemovePresence(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonCursor(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonEntriesAfter(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonDeliveryState(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonSweepRoom(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonClaimName(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonReleaseName(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonListRoom(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonInspectAway(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonUnlistRooms(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonUnindexRoom(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonUnindexIdentity(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonClaimDeadNode(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonTakeHoldings(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonRoomMode(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonAddPresence(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonCreateGroup(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonAppendMls(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
    pigeonGroupView(...keysAndArgs: ScriptArg[]): Result<unknown, Context>;
  }
}

const ROOM_KEYS = 14;
const IDENTITY_KEYS = 3;
const INDEX_KEYS = 1;
const NODE_KEYS = 4;

const SCRIPTS = {
  pigeonAppend: [room.APPEND, ROOM_KEYS],
  pigeonAck: [room.ACK, ROOM_KEYS],
  pigeonAddMember: [room.ADD_MEMBER, ROOM_KEYS],
  pigeonRemoveMember: [room.REMOVE_MEMBER, ROOM_KEYS],
  pigeonRemovePresence: [room.REMOVE_PRESENCE, ROOM_KEYS],
  pigeonCursor: [room.CURSOR, ROOM_KEYS],
  pigeonEntriesAfter: [room.ENTRIES_AFTER, ROOM_KEYS],
  pigeonDeliveryState: [room.DELIVERY_STATE, ROOM_KEYS],
  pigeonSweepRoom: [room.SWEEP_ROOM, ROOM_KEYS],
  pigeonRoomMode: [group.ROOM_MODE, ROOM_KEYS],
  pigeonAddPresence: [group.ADD_PRESENCE, ROOM_KEYS],
  pigeonCreateGroup: [group.CREATE_GROUP, ROOM_KEYS],
  pigeonAppendMls: [group.APPEND_MLS, ROOM_KEYS],
  pigeonGroupView: [group.GROUP_VIEW, ROOM_KEYS],
  pigeonClaimName: [identity.CLAIM_NAME, IDENTITY_KEYS],
  pigeonReleaseName: [identity.RELEASE_NAME, IDENTITY_KEYS],
  pigeonListRoom: [identity.LIST_ROOM, IDENTITY_KEYS],
  pigeonInspectAway: [identity.INSPECT_AWAY, IDENTITY_KEYS],
  pigeonUnlistRooms: [identity.UNLIST_ROOMS, IDENTITY_KEYS],
  pigeonUnindexRoom: [identity.UNINDEX_ROOM, INDEX_KEYS],
  pigeonUnindexIdentity: [identity.UNINDEX_IDENTITY, INDEX_KEYS],
  pigeonClaimDeadNode: [liveness.CLAIM_DEAD_NODE, INDEX_KEYS],
  pigeonTakeHoldings: [liveness.TAKE_HOLDINGS, NODE_KEYS],
} as const;

/** A connection to one Redis or to a Redis Cluster; the store uses both alike. */
export type RedisClient = Redis | Cluster;

/**
 * Registers the store's Lua scripts on a connection.
 *
 * @example
 * defineScripts(redis);
 * await redis.pigeonAck(...roomKeyList(keys.room("lobby")), "alice", 12);
 */
export function defineScripts(redis: RedisClient): void {
  for (const [name, [lua, numberOfKeys]] of Object.entries(SCRIPTS)) redis.defineCommand(name, { lua, numberOfKeys });
}

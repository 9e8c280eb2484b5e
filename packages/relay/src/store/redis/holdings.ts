// Names and presence, recorded per node. What a node's connections hold is written under the
// node's own keys (./keys.ts, `NodeKeys`) together with the change itself, so that ./reaper.ts
// can release it if the node dies without running its disconnect handlers. The rule: nothing is
// held without a record. A record goes out in the same round trip as its hold (first in the
// pipeline), and is removed only after the release succeeded; a stray record (a claim that may
// or may not have run) is harmless, since releasing what is not held changes nothing.
import type { RoomMode } from "@pigeon/protocol";
import { nameKey, type NameClaim, type NameTaken } from "../relay-store.js";
import { identityKeyList, roomKeyList } from "./keys.js";
import type { RedisContext } from "./membership.js";
import { list, num, roomMode, str } from "./replies.js";

/** The store's context plus the node instance whose connections these are. */
export interface NodeContext extends RedisContext {
  /** Unique per process (./keys.ts, `KeyLayout.node`), so a restarted node never inherits records. */
  readonly node: string;
}

// CLAIM_NAME's, RELEASE_NAME's and REMOVE_PRESENCE's replies.
const FRESHLY_CLAIMED = 1;
const KEPT_AWAY = 2;
const PRESENT_UNDER_ANOTHER_NAME = -1;

/** The field a holding is recorded under: connection ids and room names may hold any character. */
export function holdingField(connectionId: string, what: string): string {
  return JSON.stringify([connectionId, what]);
}

/** [connection id, nameKey or room] of a holding field. */
export function parseHoldingField(field: string): [string, string] {
  const parsed: unknown = JSON.parse(field);
  if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === "string" && typeof parsed[1] === "string") {
    return [parsed[0], parsed[1]];
  }
  throw new Error("unexpected Redis reply: expected a holding field");
}

/**
 * See `RelayStore.claimName`. Also registers the node, so one killed before its first heartbeat
 * is reaped too, and indexes a keyed identity for the member sweep before it is claimed, so that
 * no hold escapes the member TTL.
 */
export async function claimName(context: NodeContext, name: string, claim: NameClaim, connectionId: string, now: number): Promise<true | NameTaken> {
  const { redis, keys, node } = context;
  const key = nameKey(name);
  const identity = identityKeyList(keys.identity(key));
  const record = keys.node(node);
  const field = holdingField(connectionId, key);
  const indexed = claim.kind === "keyed" ? redis.zadd(keys.identityIndex, "NX", now, key) : undefined;
  const [[recordAdded], outcome] = await recorded(
    Promise.all([redis.hsetnx(record.names, field, name), redis.zadd(keys.nodes, "NX", now, node), indexed]),
    redis.pigeonClaimName(...identity, claim.kind, claim.kind === "keyed" ? claim.publicKey : "", connectionId, now - context.limits.memberTtlMs, name),
    (made) => made === FRESHLY_CLAIMED,
    () => releaseIdentity(context, key, connectionId, now),
  );
  if (!Array.isArray(outcome)) return true;
  if (recordAdded === 1) await redis.hdel(record.names, field);
  const [, kind, heldAs] = list(outcome);
  return { holder: str(kind) === "keyed" ? "key" : "guest", heldAs: str(heldAs) };
}

/** See `RelayStore.releaseName`. */
export async function releaseName(context: NodeContext, name: string, connectionId: string, now: number): Promise<void> {
  const key = nameKey(name);
  await releaseIdentity(context, key, connectionId, now);
  await context.redis.hdel(context.keys.node(context.node).names, holdingField(connectionId, key));
}

/**
 * Releases one connection's hold on the identity `key`. A keyed name kept away is indexed for
 * the member sweep (again: the claim indexed it, but a sweep may have seen it gone meanwhile).
 */
export async function releaseIdentity(context: RedisContext, key: string, connectionId: string, now: number): Promise<void> {
  const { redis, keys } = context;
  const released = num(await redis.pigeonReleaseName(...identityKeyList(keys.identity(key)), connectionId, now));
  if (released === KEPT_AWAY) await redis.zadd(keys.identityIndex, "NX", now, key);
}

/** See `RelayStore.addPresence`. */
export async function addPresence(context: NodeContext, room: string, name: string, connectionId: string, mode: RoomMode, only = ""): Promise<RoomMode> {
  const { redis, keys, node } = context;
  const roomKeys = keys.room(room);
  const [, held] = await recorded(
    redis.hset(keys.node(node).presence, holdingField(connectionId, room), name),
    redis.pigeonAddPresence(...roomKeyList(roomKeys), connectionId, name, mode, only).then(list),
    ([added]) => num(added) === 1,
    () => redis.pigeonRemovePresence(...roomKeyList(roomKeys), connectionId, name),
  );
  return roomMode(held[1]);
}

/** See `RelayStore.removePresence`. */
export async function removePresence(context: NodeContext, room: string, name: string, connectionId: string): Promise<void> {
  const { redis, keys, node } = context;
  const removed = num(await redis.pigeonRemovePresence(...roomKeyList(keys.room(room)), connectionId, name));
  if (removed !== PRESENT_UNDER_ANOTHER_NAME) await redis.hdel(keys.node(node).presence, holdingField(connectionId, room));
}

/**
 * Awaits a record and its hold, both already sent (record first, so on one Redis it lands
 * first). When the record failed, a hold this call made (`made`) is undone, best effort, and
 * the record's error thrown: nothing may be held unrecorded. Returns both results.
 */
async function recorded<R, H>(record: Promise<R>, hold: Promise<H>, made: (held: H) => boolean, undo: () => Promise<unknown>) {
  const [recording, holding] = await Promise.allSettled([record, hold]);
  if (recording.status === "rejected") {
    if (holding.status === "fulfilled" && made(holding.value)) await undo().catch(() => undefined);
    throw recording.reason;
  }
  if (holding.status === "rejected") throw holding.reason;
  return [recording.value, holding.value] as const;
}

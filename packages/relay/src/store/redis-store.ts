import { randomBytes } from "node:crypto";
import type { Member, RoomMode } from "@pigeon/protocol";
import { connectRedis, openRedis } from "./redis/connect.js";
import { Fullness } from "./redis/fullness.js";
import { appendMls, createGroup, groupView, readRoomMode } from "./redis/group.js";
import { addPresence, claimName, releaseName, removePresence, type NodeContext } from "./redis/holdings.js";
import { KeyLayout, roomKeyList } from "./redis/keys.js";
import { addMember, joinToken, memberships, removeMember } from "./redis/membership.js";
import { Heartbeats, Reaper } from "./redis/reaper.js";
import { entryRefs, list, logEntries, num, pairs, str } from "./redis/replies.js";
import { heldBudget, quotaRefusal } from "./redis/quota.js";
import { TurnBatches } from "./redis/batches.js";
import type { RedisClient } from "./redis/scripts.js";
import { sweep } from "./redis/sweep.js";
import {
  ENCRYPTED,
  entryBytes,
  nameKey,
  newIncarnation,
  type Appended,
  type DeletedEntry,
  type FullReason,
  type DeliveryState,
  type SeqRange,
  type GroupChange,
  type GroupRecordInput,
  type GroupRefused,
  type GroupView,
  type MemberOptions,
  type MemberPlace,
  type MlsAppended,
  type MlsSubmission,
  type Removed,
  type HeldAfter,
  type NameClaim,
  type NameTaken,
  type RelayStore,
  type RetentionLimits,
  type RoomCursor,
  type StoredEntry,
  type StoreUsage,
  type SweepReport,
} from "./relay-store.js";

/** How to reach Redis and what to enforce. */
export interface RedisStoreOptions {
  /** A `redis://` or `rediss://` URL. */
  readonly url: string;
  readonly limits: RetentionLimits;
  /** Prefix of every key, so several relays (or tests) can share one Redis. Default `pigeon`. */
  readonly prefix?: string;
  /** `url` names one node of a Redis Cluster. */
  readonly cluster?: boolean;
  /** This node's name (random unless given); its holdings are recorded under it, see `reapDeadNodes`. */
  readonly nodeId?: string;
  /** A command without a reply for this long fails. Default 5 s. */
  readonly commandTimeoutMs?: number;
  /** How long `RedisStore.open` waits for Redis before it reports it unreachable. Default 5 s. */
  readonly startupWaitMs?: number;
  /** Called when Redis refused a write as a read-only replica (a failover), as the store's client reconnects. */
  readonly onReadOnly?: () => void;
}

/** A store `RedisStore.open` returned, and how its first attempt to reach Redis went. */
export interface RedisStoreOpening {
  readonly store: RedisStore;
  /** Undefined when Redis answered at startup; else why not. The store keeps trying either way. */
  readonly unreachable: Error | undefined;
  /** Resolves when the store first reaches Redis (at once if `unreachable` is undefined). */
  readonly connected: Promise<void>;
}

/** The key prefix when none is configured. */
export const DEFAULT_REDIS_PREFIX = "pigeon";

/**
 * Most of one room's appends in one script call. Redis runs a script to its end before
 * anything else, so this bounds how long one call holds it (about 15 µs an entry).
 */
const MAX_APPEND_BATCH = 64;

/** One append's part of the batch script's ARGV: id, user, message, sentAt, bytes, client key. */
type AppendArgs = readonly [string, string, string, number, number, string];

/** Most of one room's acks in one script call (each moves a cursor: cheap beside the deleting). */
const MAX_ACK_BATCH = 256;

/** One ack's part of the batch script's ARGV: nameKey, seq. */
type AckArgs = readonly [string, number];

/** What an ack did: the cursor after and before, and what it deleted. */
interface Acked {
  readonly acked: number;
  readonly from: number;
  readonly deleted: DeletedEntry[];
}

// What ioredis throws when it cannot reach Redis: a closed or unwritable connection, the
// offline queue being off, a command cut off or timed out, a Cluster none of whose nodes
// answers, or the socket's own errors; and a write refused by a primary that became a replica
// (READONLY: the client reconnects, see ./redis/connect.ts).
const CONNECTION_ERROR = /Stream isn't writeable|Connection is closed|enableOfflineQueue|max retries per request|Command timed out|ECONNREFUSED|ECONNRESET|EPIPE|CLUSTERDOWN|Failed to refresh slots cache|None of startup nodes is available|^READONLY\b/;

function counts([entries, bytes]: (string | null)[]): StoreUsage {
  return { entries: Number(entries ?? 0), bytes: Number(bytes ?? 0) };
}

function isConnectionError(error: unknown): boolean {
  return error instanceof Error && CONNECTION_ERROR.test(`${error.message} ${"code" in error ? String(error.code) : ""}`);
}

/**
 * The store in Redis: state survives restarts and is shared by every node. Keys are laid out
 * for Redis Cluster (./redis/keys.ts); whatever must change together in a room or an identity
 * changes in one Lua script; the appends a room gets within one turn of the event loop are one
 * script call, and so are its acks (./redis/batches.ts).
 * Operations spanning a room and an identity are ordered single-slot steps (./redis/membership.ts).
 * Names and presence are also recorded per node, so that a node's death is not forever
 * (./redis/holdings.ts, ./redis/reaper.ts). While Redis is down, operations fail at once and
 * `healthy()` is false; the client reconnects by itself (./redis/connect.ts). `open` does not
 * need Redis to be there at startup at all: the store starts unhealthy and connects when it can.
 *
 * @example
 * const store = await RedisStore.connect({ url: "redis://127.0.0.1:6379", limits, nodeId: "node-1" });
 * const { store, unreachable } = await RedisStore.open({ url: "redis://127.0.0.1:6379", limits });
 */
export class RedisStore implements RelayStore {
  readonly kind = "redis";
  readonly limits: RetentionLimits;
  readonly #context: NodeContext;
  readonly #fullness: Fullness;
  readonly #beats: Heartbeats;
  readonly #reaper: Reaper;
  /** A room's appends of one turn, as one script call (./redis/batches.ts). */
  readonly #appends = new TurnBatches<AppendArgs, unknown>((room, items) => this.#sendAppends(room, items), MAX_APPEND_BATCH);
  /** A room's acks of one turn, as one script call. */
  readonly #acks = new TurnBatches<AckArgs, Acked | undefined>((room, items) => this.#sendAcks(room, items), MAX_ACK_BATCH);

  private constructor(context: NodeContext) {
    this.#context = context;
    this.limits = context.limits;
    this.#fullness = new Fullness(context.redis, `${context.keys.prefix}:probe`);
    this.#beats = new Heartbeats(context);
    this.#reaper = new Reaper(context);
  }

  /** Connects to Redis (failing if it cannot) and returns the store. */
  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    const keys = new KeyLayout(options.prefix ?? DEFAULT_REDIS_PREFIX, { cluster: options.cluster ?? false });
    return RedisStore.#create(options, keys, await connectRedis(options));
  }

  /**
   * The store at once, connecting to Redis in the background: it resolves when the first attempt
   * to reach Redis has settled (or after `startupWaitMs`), saying whether it failed. While Redis
   * has not been reached, `healthy()` is false and operations fail at once with errors
   * `isUnavailableError` recognises; the store keeps trying, as after losing Redis. Rejects only
   * on configuration errors (a malformed URL, a bad prefix).
   */
  static async open(options: RedisStoreOptions): Promise<RedisStoreOpening> {
    const keys = new KeyLayout(options.prefix ?? DEFAULT_REDIS_PREFIX, { cluster: options.cluster ?? false });
    const { client, firstAttempt, connected } = openRedis(options);
    const store = RedisStore.#create(options, keys, client);
    return { store, unreachable: await firstAttempt, connected };
  }

  static #create(options: RedisStoreOptions, keys: KeyLayout, redis: RedisClient): RedisStore {
    const { limits, nodeId = `node-${randomBytes(3).toString("hex")}` } = options;
    // One process instance: a node restarted under the same id must not inherit (and so keep
    // alive) what its killed predecessor held.
    const node = `${nodeId}/${randomBytes(4).toString("hex")}`;
    return new RedisStore({ redis, keys, limits, node });
  }

  claimName(name: string, claim: NameClaim, connectionId: string, now: number): Promise<true | NameTaken> {
    return claimName(this.#context, name, claim, connectionId, now);
  }

  releaseName(name: string, connectionId: string, now: number): Promise<void> {
    return releaseName(this.#context, name, connectionId, now);
  }

  addMember(room: string, name: string, now: number, options: MemberOptions = {}): Promise<MemberPlace> {
    return addMember(this.#context, room, name, now, options);
  }

  async removeMember(room: string, name: string): Promise<Removed> {
    const key = nameKey(name);
    const { deleted, group } = await removeMember(this.#context, room, key, await joinToken(this.#context, key), name);
    return group ? { deleted, group } : { deleted };
  }

  memberships(name: string): Promise<RoomCursor[]> {
    return memberships(this.#context, name);
  }

  addPresence(room: string, name: string, connectionId: string, mode: RoomMode = "plain", only?: RoomMode): Promise<RoomMode> {
    return addPresence(this.#context, room, name, connectionId, mode, only);
  }

  roomMode(room: string): Promise<RoomMode | undefined> {
    return readRoomMode(this.#context, room);
  }

  removePresence(room: string, name: string, connectionId: string): Promise<void> {
    return removePresence(this.#context, room, name, connectionId);
  }

  async members(room: string): Promise<Member[]> {
    const { redis, keys } = this.#context;
    const roomKeys = keys.room(room);
    const [keyed, present] = await Promise.all([redis.hgetall(roomKeys.members), redis.hvals(roomKeys.presence)]);
    const online = new Set(present.map(nameKey));
    const members = new Map<string, Member>();
    for (const [key, name] of Object.entries(keyed)) members.set(key, { name, online: online.has(key) });
    for (const name of present) if (!members.has(nameKey(name))) members.set(nameKey(name), { name, online: true });
    return [...members.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async append(room: string, entry: Omit<StoredEntry, "seq">, clientKey = ""): Promise<Appended> {
    const { id, user, message, sentAt } = entry;
    const reply = await this.#appends.add(room, [id, user, message, sentAt, entryBytes(entry), clientKey]);
    const [seq, incarnation, from, to, originalId, originalAt] = list(reply);
    if (seq === -1) return ENCRYPTED;
    if (seq === -2) throw quotaRefusal(incarnation);
    const appended = { seq: num(seq), incarnation: str(incarnation) };
    if (originalId !== undefined) return { ...appended, original: { id: str(originalId), sentAt: num(originalAt) } };
    return from === undefined ? appended : { ...appended, expired: { from: num(from), to: num(to) } };
  }

  async #sendAppends(room: string, items: readonly AppendArgs[]): Promise<unknown[]> {
    const { redis, keys, limits } = this.#context;
    const args: (string | number)[] = [limits.maxRoomEntries, limits.maxRoomBytes, newIncarnation(), heldBudget(this.#context)];
    for (const item of items) args.push(...item);
    return list(await redis.pigeonAppend(...roomKeyList(keys.room(room)), ...args));
  }

  appendMls(room: string, entry: Omit<StoredEntry, "seq">, submission: MlsSubmission, clientKey?: string): Promise<MlsAppended> {
    return appendMls(this.#context, room, entry, submission, clientKey);
  }

  createGroup(room: string, group: GroupRecordInput): Promise<GroupChange | GroupRefused> {
    return createGroup(this.#context, room, group);
  }

  groupView(room: string): Promise<GroupView | undefined> {
    return groupView(this.#context, room);
  }

  ack(room: string, name: string, seq: number, _now: number): Promise<Acked | undefined> {
    return this.#acks.add(room, [nameKey(name), seq]);
  }

  async #sendAcks(room: string, items: readonly AckArgs[]): Promise<(Acked | undefined)[]> {
    const { redis, keys } = this.#context;
    const [replies, deleted] = list(await redis.pigeonAck(...roomKeyList(keys.room(room)), ...items.flat()));
    const answers = list(replies);
    // What the batch deleted is reported once, with its last member's ack: receipts need each
    // deleted entry once, not who made it go.
    const last = answers.findLastIndex((reply) => reply !== null);
    return answers.map((reply, index): Acked | undefined => {
      if (reply === null) return undefined;
      const [acked, from] = list(reply);
      return { acked: num(acked), from: num(from), deleted: index === last ? entryRefs(deleted) : [] };
    });
  }

  async entriesAfter(room: string, after: number): Promise<HeldAfter> {
    const { redis, keys } = this.#context;
    // Stream ids are `<seq>-0`, so the first id after `after` is the next whole seq.
    const start = Math.max(0, Math.floor(after)) + 1;
    const reply = await redis.pigeonEntriesAfter(...roomKeyList(keys.room(room)), start, newIncarnation());
    const [lastSeq, entries, incarnation] = list(reply);
    return { entries: logEntries(entries), lastSeq: num(lastSeq), incarnation: str(incarnation) };
  }

  async deliveryState(room: string, limit: number, range?: SeqRange): Promise<DeliveryState> {
    const { redis, keys } = this.#context;
    const [first, last] = range === undefined ? ["-", "+"] : [`${Math.floor(range.after) + 1}-0`, `${Math.floor(range.through)}-0`];
    const [cursors, entries] = list(await redis.pigeonDeliveryState(...roomKeyList(keys.room(room)), limit, first, last));
    return {
      cursors: pairs(cursors).map(([name, acked]) => ({ name: str(name), acked: num(acked) })),
      entries: entryRefs(entries),
    };
  }

  sweep(now: number): Promise<SweepReport[]> {
    return sweep(this.#context, now);
  }

  heartbeat(now: number): Promise<boolean> {
    return this.#beats.beat(now);
  }

  reapDeadNodes(now: number, deadAfterMs: number): Promise<string[]> {
    return this.#reaper.reap(now, deadAfterMs);
  }

  async heldEntries(): Promise<number> {
    const { redis, keys } = this.#context;
    const rooms = new Set<string>();
    let cursor = "0";
    do {
      const [next, flat] = await redis.hscan(keys.roomIndex, cursor, "COUNT", 500);
      cursor = next;
      for (const [room] of pairs(flat)) rooms.add(str(room));
    } while (cursor !== "0");
    const lengths = await Promise.all([...rooms].map((room) => redis.xlen(keys.room(room).log)));
    return lengths.reduce((sum, length) => sum + length, 0);
  }

  /** One read outside a Cluster; in a Cluster, each indexed room's own count. */
  async usage(): Promise<StoreUsage> {
    const { redis, keys } = this.#context;
    if (keys.held !== undefined) return counts(await redis.hmget(keys.held, "entries", "bytes"));
    const total = { entries: 0, bytes: 0 };
    let cursor = "0";
    do {
      const [next, flat] = await redis.hscan(keys.roomIndex, cursor, "COUNT", 500);
      cursor = next;
      const rooms = pairs(flat).map(([room]) => keys.room(str(room)).held);
      for (const held of await Promise.all(rooms.map((key) => redis.hmget(key, "entries", "bytes")))) {
        const room = counts(held);
        total.entries += room.entries;
        total.bytes += room.bytes;
      }
    } while (cursor !== "0");
    return total;
  }

  healthy(): boolean {
    return this.#context.redis.status === "ready";
  }

  whyFull(): FullReason | undefined {
    return this.#fullness.reason;
  }

  isFullError(error: unknown): boolean {
    return this.#fullness.check(error);
  }

  isUnavailableError(error: unknown): boolean {
    return isConnectionError(error);
  }

  /**
   * Redis's `maxmemory-policy`, or undefined where CONFIG is not allowed (many managed Redis
   * services rename or refuse it). On a Cluster, that of the node the command reaches.
   */
  async evictionPolicy(): Promise<string | undefined> {
    try {
      const [, value] = list(await this.#context.redis.call("CONFIG", "GET", "maxmemory-policy"));
      return typeof value === "string" ? value : undefined;
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    this.#fullness.stop();
    // QUIT skips ioredis's auto-pipeline: let what is gathered go out and be answered first.
    await Promise.all([this.#appends.flush(), this.#acks.flush()]);
    const { redis } = this.#context;
    // While Redis is down QUIT cannot be sent (no offline queue); then just stop reconnecting.
    await redis.quit().catch(() => {
      redis.disconnect();
    });
  }
}

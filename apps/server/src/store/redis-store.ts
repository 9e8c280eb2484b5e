import type { Member } from "@pigeon/protocol";
import { Redis } from "ioredis";
import { identityKeyList, KeyLayout, roomKeyList } from "./redis/keys.js";
import { addMember, joinToken, memberships, removeMember, type RedisContext } from "./redis/membership.js";
import { entryRefs, list, logEntries, num, pairs, str } from "./redis/replies.js";
import { defineScripts } from "./redis/scripts.js";
import { sweep } from "./redis/sweep.js";
import {
  entryBytes,
  nameKey,
  type DeliveryState,
  type ExpiredRange,
  type NameClaim,
  type RelayStore,
  type RetentionLimits,
  type RoomCursor,
  type StoredEntry,
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
}

const RECONNECT_MAX_DELAY_MS = 2_000;

/** The key prefix when none is configured. */
export const DEFAULT_REDIS_PREFIX = "pigeon";

/**
 * The store in Redis: state survives restarts and is shared by every node. Keys are laid out
 * for Redis Cluster (./redis/keys.ts); whatever must change together in a room or an identity
 * changes in one Lua script, and append and ack are one script call (one round trip) each.
 * Operations spanning a room and an identity are ordered single-slot steps (./redis/membership.ts).
 *
 * @example
 * const store = await RedisStore.connect({ url: "redis://127.0.0.1:6379", limits });
 */
export class RedisStore implements RelayStore {
  readonly kind = "redis";
  readonly limits: RetentionLimits;
  readonly #context: RedisContext;

  private constructor(context: RedisContext) {
    this.#context = context;
    this.limits = context.limits;
  }

  /** Connects to Redis (failing if it cannot) and returns the store. */
  static async connect({ url, limits, prefix = DEFAULT_REDIS_PREFIX }: RedisStoreOptions): Promise<RedisStore> {
    const keys = new KeyLayout(prefix);
    let connected = false;
    // Retry only once connected: a Redis that is not there at startup is a configuration error.
    const retryStrategy = (attempt: number) => (connected ? Math.min(attempt * 100, RECONNECT_MAX_DELAY_MS) : null);
    const redis = new Redis(url, { lazyConnect: true, enableAutoPipelining: true, retryStrategy });
    let cause: unknown;
    const remember = (error: unknown) => (cause = error);
    redis.on("error", remember);
    try {
      await redis.connect();
      connected = true;
    } catch (error) {
      redis.disconnect();
      throw new Error(`cannot connect to Redis at ${withoutPassword(url)}`, { cause: cause ?? error });
    } finally {
      redis.off("error", remember);
    }
    defineScripts(redis);
    return new RedisStore({ redis, keys, limits });
  }

  async claimName(name: string, claim: NameClaim, connectionId: string, _now: number): Promise<boolean> {
    const { redis, keys } = this.#context;
    const publicKey = claim.kind === "keyed" ? claim.publicKey : "";
    const keyList = identityKeyList(keys.identity(nameKey(name)));
    return num(await redis.pigeonClaimName(...keyList, claim.kind, publicKey, connectionId)) === 1;
  }

  async releaseName(name: string, connectionId: string, now: number): Promise<void> {
    const { redis, keys } = this.#context;
    await redis.pigeonReleaseName(...identityKeyList(keys.identity(nameKey(name))), connectionId, now);
  }

  addMember(room: string, name: string, now: number): Promise<number> {
    return addMember(this.#context, room, name, now);
  }

  async removeMember(room: string, name: string): Promise<void> {
    const key = nameKey(name);
    await removeMember(this.#context, room, key, await joinToken(this.#context, key));
  }

  memberships(name: string): Promise<RoomCursor[]> {
    return memberships(this.#context, name);
  }

  async addPresence(room: string, name: string, connectionId: string): Promise<void> {
    const { redis, keys } = this.#context;
    await redis.hset(keys.room(room).presence, connectionId, name);
  }

  async removePresence(room: string, name: string, connectionId: string): Promise<void> {
    const { redis, keys } = this.#context;
    await redis.pigeonRemovePresence(...roomKeyList(keys.room(room)), connectionId, name);
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

  async append(room: string, entry: Omit<StoredEntry, "seq">): Promise<{ seq: number; expired?: ExpiredRange }> {
    const { redis, keys, limits } = this.#context;
    const { id, user, message, sentAt } = entry;
    const quota = [limits.maxRoomEntries, limits.maxRoomBytes];
    const reply = await redis.pigeonAppend(...roomKeyList(keys.room(room)), id, user, message, sentAt, entryBytes(entry), ...quota);
    const [seq, from, to] = list(reply);
    return from === undefined ? { seq: num(seq) } : { seq: num(seq), expired: { from: num(from), to: num(to) } };
  }

  async ack(room: string, name: string, seq: number, _now: number) {
    const { redis, keys } = this.#context;
    const reply = await redis.pigeonAck(...roomKeyList(keys.room(room)), nameKey(name), seq);
    if (reply === null) return undefined;
    const [acked, deleted] = list(reply);
    return { acked: num(acked), deleted: entryRefs(deleted) };
  }

  async entriesAfter(room: string, after: number): Promise<{ entries: StoredEntry[]; lastSeq: number }> {
    const { redis, keys } = this.#context;
    // Stream ids are `<seq>-0`, so the first id after `after` is the next whole seq.
    const start = Math.max(0, Math.floor(after)) + 1;
    const [lastSeq, entries] = list(await redis.pigeonEntriesAfter(...roomKeyList(keys.room(room)), start));
    return { entries: logEntries(entries), lastSeq: num(lastSeq) };
  }

  async deliveryState(room: string, limit: number): Promise<DeliveryState> {
    const { redis, keys } = this.#context;
    const [cursors, entries] = list(await redis.pigeonDeliveryState(...roomKeyList(keys.room(room)), limit));
    return {
      cursors: pairs(cursors).map(([name, acked]) => ({ name: str(name), acked: num(acked) })),
      entries: entryRefs(entries),
    };
  }

  sweep(now: number): Promise<SweepReport[]> {
    return sweep(this.#context, now);
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

  healthy(): boolean {
    return this.#context.redis.status === "ready";
  }

  async close(): Promise<void> {
    await this.#context.redis.quit();
  }
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "an invalid URL";
  }
}

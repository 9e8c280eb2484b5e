import { getHeapStatistics } from "node:v8";
import type { RelayConfig } from "../config.js";
import type { Logger } from "../logger.js";
import { MemoryStore } from "./memory-store.js";
import { withoutPassword } from "./redis/connect.js";
import type { RelayStore, RetentionLimits } from "./relay-store.js";

/**
 * The store the configuration names. The Redis client is loaded only when Redis is
 * configured, and Redis need not be reachable yet: the store then starts unhealthy, which is
 * logged once, and becomes healthy by itself when Redis answers (logged too). Only a
 * configuration error (a malformed `REDIS_URL`) makes this reject. Once connected, it warns if
 * Redis may evict keys. `onReadOnly`: see `RedisStoreOptions`.
 *
 * @example
 * const store = await createStore(RelayConfig.parse({ store: "redis" }), logger);
 */
export async function createStore(config: RelayConfig, logger: Logger, options: { readonly onReadOnly?: () => void } = {}): Promise<RelayStore> {
  const limits = retentionLimits(config);
  if (config.store === "memory") return new MemoryStore(limits);
  const { RedisStore } = await import("./redis-store.js");
  const { store, unreachable, connected } = await RedisStore.open({
    url: config.redisUrl,
    limits,
    prefix: config.redisPrefix,
    cluster: config.redisCluster,
    nodeId: config.nodeId,
    ...options,
  });
  const redis = withoutPassword(config.redisUrl);
  if (unreachable !== undefined) {
    logger.warn(
      { err: unreachable, redis },
      "Redis is unreachable: starting anyway, unhealthy (/healthz 503, logins refused with UNAVAILABLE) until it connects; retrying in the background",
    );
    void connected.then(() => {
      logger.info({ redis }, "Redis reached: the store is healthy");
    });
  }
  void connected.then(async () => {
    const policy = await store.evictionPolicy();
    if (policy === undefined || policy === "noeviction") return;
    logger.warn(
      { redis, maxmemoryPolicy: policy },
      "Redis may evict keys when full (maxmemory-policy is not noeviction): it would drop parts of rooms (held messages, cursors, members) without a word; set maxmemory-policy noeviction",
    );
  });
  return store;
}

/**
 * The memory store's default budget: a quarter of the heap V8 may grow to. The rest serves
 * everything else the heap holds (connections and their buffers, socket.io, names, rooms), and
 * V8 needs headroom to collect: a heap past about three quarters full spends its time in GC
 * long before it runs out. A quarter is still far more than a chat of real people holds
 * (about 500 MiB on a 2 GiB heap: 30 rooms at their full quota, or a million short messages).
 */
export const MEMORY_HEAP_FRACTION = 0.25;
/** The Redis store's default budget, for the whole deployment: size Redis's maxmemory above it. */
export const REDIS_DEFAULT_HELD_BYTES = 1024 ** 3;

/** The retention limits a configuration sets, as the store enforces them. */
export function retentionLimits(config: RelayConfig): RetentionLimits {
  const { messageTtlMs, memberTtlMs, maxRoomEntries, maxRoomBytes, maxSentRecords, maxRoomsPerIdentity } = config;
  const maxHeldBytes = config.maxHeldBytes ?? defaultHeldBytes(config.store);
  return { messageTtlMs, memberTtlMs, maxRoomEntries, maxRoomBytes, maxHeldBytes, maxSentRecords, maxRoomsPerIdentity };
}

function defaultHeldBytes(store: RelayConfig["store"]): number {
  return store === "memory" ? Math.floor(getHeapStatistics().heap_size_limit * MEMORY_HEAP_FRACTION) : REDIS_DEFAULT_HELD_BYTES;
}

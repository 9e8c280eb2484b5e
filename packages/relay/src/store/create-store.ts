import type { RelayConfig } from "../config.js";
import type { Logger } from "../logger.js";
import { MemoryStore } from "./memory-store.js";
import { withoutPassword } from "./redis/connect.js";
import type { RelayStore, RetentionLimits } from "./relay-store.js";

/**
 * The store the configuration names. The Redis client is loaded only when Redis is
 * configured, and Redis need not be reachable yet: the store then starts unhealthy, which is
 * logged once, and becomes healthy by itself when Redis answers (logged too). Only a
 * configuration error (a malformed `REDIS_URL`) makes this reject.
 *
 * @example
 * const store = await createStore(RelayConfig.parse({ store: "redis" }), logger);
 */
export async function createStore(config: RelayConfig, logger: Logger): Promise<RelayStore> {
  const limits = retentionLimits(config);
  if (config.store === "memory") return new MemoryStore(limits);
  const { RedisStore } = await import("./redis-store.js");
  const { store, unreachable, connected } = await RedisStore.open({
    url: config.redisUrl,
    limits,
    prefix: config.redisPrefix,
    cluster: config.redisCluster,
    nodeId: config.nodeId,
  });
  if (unreachable !== undefined) {
    const redis = withoutPassword(config.redisUrl);
    logger.warn(
      { err: unreachable, redis },
      "Redis is unreachable: starting anyway, unhealthy (/healthz 503, logins refused with UNAVAILABLE) until it connects; retrying in the background",
    );
    void connected.then(() => {
      logger.info({ redis }, "Redis reached: the store is healthy");
    });
  }
  return store;
}

/** The retention limits a configuration sets, as the store enforces them. */
export function retentionLimits(config: RelayConfig): RetentionLimits {
  const { messageTtlMs, memberTtlMs, maxRoomEntries, maxRoomBytes } = config;
  return { messageTtlMs, memberTtlMs, maxRoomEntries, maxRoomBytes };
}

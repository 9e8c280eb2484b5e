import { retentionLimits, type Config } from "../config.js";
import { MemoryStore } from "./memory-store.js";
import type { RelayStore } from "./relay-store.js";

/**
 * The store the configuration names, connected and ready. The Redis client is loaded only
 * when Redis is configured.
 *
 * @example
 * const store = await createStore(loadConfig(argv, env));
 */
export async function createStore(config: Config): Promise<RelayStore> {
  const limits = retentionLimits(config);
  switch (config.store) {
    case "memory":
      return new MemoryStore(limits);
    case "redis": {
      const { RedisStore } = await import("./redis-store.js");
      return await RedisStore.connect({
        url: config.redisUrl,
        limits,
        prefix: config.redisPrefix,
        cluster: config.redisCluster,
        nodeId: config.nodeId,
      });
    }
  }
}

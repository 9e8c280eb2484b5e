import { createShardedAdapter } from "@socket.io/redis-adapter";
import { Cluster, Redis } from "ioredis";
import type { Config } from "./config.js";

/** A socket.io adapter factory and what closes its Redis connections. */
export interface RedisAdapter {
  readonly adapter: ReturnType<typeof createShardedAdapter>;
  close(): Promise<void>;
}

/**
 * socket.io's sharded Redis adapter, so that a broadcast on one node reaches sockets on every
 * node. Sharded pub/sub (Redis 7: SPUBLISH/SSUBSCRIBE) keeps working unchanged on a Redis
 * Cluster, where classic pub/sub would copy every message to every shard; "dynamic" mode gives
 * each room its own channel, so a node only hears rooms it has sockets in.
 *
 * @example
 * const { adapter, close } = await createRedisAdapter(config);
 * const io = new Server(httpServer, { adapter });
 */
export async function createRedisAdapter(config: Pick<Config, "redisUrl" | "redisCluster" | "redisPrefix">): Promise<RedisAdapter> {
  const pub = config.redisCluster ? new Cluster([config.redisUrl]) : new Redis(config.redisUrl);
  const sub = pub.duplicate();
  // ioredis logs unhandled "error" events; the store reports Redis health, so stay quiet here.
  for (const client of [pub, sub]) client.on("error", () => undefined);
  await Promise.all([ready(pub), ready(sub)]);
  return {
    adapter: createShardedAdapter(pub, sub, { channelPrefix: `${config.redisPrefix}:sio`, subscriptionMode: "dynamic" }),
    async close() {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}

function ready(client: Redis | Cluster): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    client.once("ready", resolve);
    client.once("end", () => {
      reject(new Error("Redis closed before it was ready"));
    });
  });
}

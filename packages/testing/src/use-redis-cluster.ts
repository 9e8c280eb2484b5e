import { afterAll, beforeAll } from "vitest";
import { startRedisCluster, type RedisClusterOptions, type RedisClusterProcesses } from "./redis-process.js";

/**
 * A Redis Cluster of the calling `describe` block's own (see `startRedisCluster`), started
 * before its tests and stopped after them. Returns a getter to call inside tests; hooks
 * registered after this one run after the cluster has started, and those of `afterAll`, before
 * it stops.
 *
 * @example
 * const cluster = useRedisCluster(3, { replicas: 1 });
 * it("...", async () => { await RedisStore.connect({ url: cluster().url, cluster: true, ... }); });
 */
export function useRedisCluster(shards = 3, options: RedisClusterOptions = {}): () => RedisClusterProcesses {
  let cluster: RedisClusterProcesses | undefined;
  beforeAll(async () => {
    cluster = await startRedisCluster(shards, options);
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => {
    if (cluster === undefined) throw new Error("the Redis Cluster has not started");
    return cluster;
  };
}

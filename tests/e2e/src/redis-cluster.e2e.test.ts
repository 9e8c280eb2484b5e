import { expect, it } from "vitest";
import { crossNodeSuite } from "./cross-node-suite.js";
import { describeWithRedisBinaries, keysPerMaster, useRedisCluster } from "@pigeon/testing";

describeWithRedisBinaries("three nodes on a 3-shard Redis Cluster", () => {
  // Registered before the suite's own hooks: the Cluster starts before the nodes and stops after them.
  const redis = useRedisCluster();
  const cluster = crossNodeSuite(() => ({ url: redis().url, cluster: true }), "cluster");

  it("spreads what the nodes keep over every shard", async () => {
    const { redis: target, prefix } = cluster();
    const perShard = await keysPerMaster(target, prefix);
    expect(perShard, `keys per shard: ${perShard.join(", ")}`).toHaveLength(3);
    expect(perShard.every((keys) => keys > 0), `keys per shard: ${perShard.join(", ")}`).toBe(true);
  });
});

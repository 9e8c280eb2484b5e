import { deleteKeysWithPrefix, testKeyPrefix, type RedisTarget } from "@pigeon/testing";
import { startPigeonNode, type PigeonNode } from "./pigeon-node.js";

/** Small, so that a killed node's connections are released within about 1.5 s (3 missed beats). */
export const HEARTBEAT_INTERVAL_MS = 500;
const NODE_IDS = ["node-a", "node-b", "node-c", "node-d", "node-e"] as const;

/** N Pigeon processes sharing one Redis under one key prefix. */
export interface PigeonCluster {
  readonly nodes: readonly PigeonNode[];
  readonly prefix: string;
  readonly redis: RedisTarget;
  /** The node called `id` ("node-a", ...). */
  node(id: string): PigeonNode;
  /** Stops every node still running (SIGTERM), then deletes every key under the prefix. */
  stop(): Promise<void>;
}

/** What to start. */
export interface ClusterOptions {
  readonly redis: RedisTarget;
  /** How many nodes (at most 5). */
  readonly count: number;
  /** Names the key prefix, for whoever looks at Redis during a run. */
  readonly label: string;
  /** More environment for every node. */
  readonly env?: Readonly<Record<string, string>>;
  /** The Redis is the test's own and goes with its keys: `stop()` leaves them alone. */
  readonly ownRedis?: boolean;
}

/**
 * Starts `count` nodes at once on `redis` with a fresh key prefix, a short heartbeat and quick
 * receipts. If one fails to start, the others are stopped before the error is thrown.
 *
 * @example
 * const cluster = await startPigeonCluster({ redis: { url, cluster: false }, count: 3, label: "basics" });
 * afterAll(() => cluster.stop());
 */
export async function startPigeonCluster({ redis, count, label, env = {}, ownRedis = false }: ClusterOptions): Promise<PigeonCluster> {
  if (count > NODE_IDS.length) throw new RangeError(`at most ${NODE_IDS.length} nodes`);
  const prefix = testKeyPrefix(label);
  const nodeEnv = {
    PIGEON_STORE: "redis",
    REDIS_URL: redis.url,
    PIGEON_REDIS_CLUSTER: String(redis.cluster),
    PIGEON_REDIS_PREFIX: prefix,
    PIGEON_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_INTERVAL_MS),
    PIGEON_RECEIPT_INTERVAL_MS: "50",
    PIGEON_SHUTDOWN_GRACE_MS: "3000",
    ...env,
  };
  const started = await Promise.allSettled(NODE_IDS.slice(0, count).map((id) => startPigeonNode({ id, env: nodeEnv })));
  const nodes = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.kill("SIGTERM")));
    if (!ownRedis) await deleteKeysWithPrefix(redis, prefix);
  };
  const failed = started.find((result) => result.status === "rejected");
  if (failed) {
    await stop();
    throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }
  return {
    nodes,
    prefix,
    redis,
    node(id) {
      const node = nodes.find((candidate) => candidate.id === id);
      if (node === undefined) throw new Error(`no node ${id}`);
      return node;
    },
    stop,
  };
}

import { redisReachable } from "@pigeon/relay";
import { existsSync } from "node:fs";
import { Redis } from "ioredis";

/** A Redis connection for one run: a key prefix of its own, and the server's PID when local. */
export interface RedisRun {
  readonly redis: Redis;
  /** Unique to this run: Pigeon's PIGEON_REDIS_PREFIX. Its keys are deleted afterwards. */
  readonly prefix: string;
  /** The redis-server's PID when it runs on this machine (so its CPU can be read), else undefined. */
  readonly pid: number | undefined;
}

let runs = 0;

/**
 * Runs `run` with a connection to `url` and a key prefix nothing else uses, then deletes every
 * key under that prefix (whatever `run` did) and disconnects.
 *
 * @example
 * await withRedisRun(url, ({ prefix, pid }) => runNodes(prefix, pid));
 */
export async function withRedisRun<T>(url: string, run: (redisRun: RedisRun) => Promise<T>): Promise<T> {
  runs += 1;
  const prefix = `pigeon-bench-${String(process.pid)}-${String(Date.now())}-${String(runs)}`;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    return await run({ redis, prefix, pid: await localRedisPid(redis) });
  } finally {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  }
}

/** The environment that puts a Pigeon node on Redis under the run's prefix. */
export function redisStoreEnv(url: string, prefix: string, nodeId = "bench-1"): Record<string, string> {
  return { PIGEON_STORE: "redis", REDIS_URL: url, PIGEON_REDIS_PREFIX: prefix, PIGEON_NODE_ID: nodeId };
}

async function localRedisPid(redis: Redis): Promise<number | undefined> {
  const info = await redis.info("server");
  const match = /^process_id:(\d+)/m.exec(info);
  const pid = match?.[1] === undefined ? undefined : Number(match[1]);
  return pid !== undefined && existsSync(`/proc/${String(pid)}/stat`) ? pid : undefined;
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== "0");
}

/** Whether a Redis answers at `url` (workloads on Redis are skipped when none does). */
export const redisAvailable = redisReachable;

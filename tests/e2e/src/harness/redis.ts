// Redis as the tests see it: find the shared one (skip without it, fail without it in CI),
// give each test a key prefix of its own, and clean up by prefix (never FLUSHDB).
import { redisReachable } from "@pigeon/server/testing";
import { randomBytes } from "node:crypto";
import { Cluster, Redis } from "ioredis";

/** The shared Redis: `PIGEON_TEST_REDIS_URL`, else the local default. */
export const SHARED_REDIS_URL = process.env.PIGEON_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A Redis to run nodes on: one server, or one node of a Redis Cluster. */
export interface RedisTarget {
  readonly url: string;
  readonly cluster: boolean;
}

/**
 * The shared Redis if it answers PING, else undefined; with `CI=true` a missing Redis throws,
 * so these tests never silently stop running in CI.
 *
 * @example
 * const url = await sharedRedisUrl();
 */
export async function sharedRedisUrl(): Promise<string | undefined> {
  if (await redisReachable(SHARED_REDIS_URL)) return SHARED_REDIS_URL;
  if (process.env.CI === "true") throw new Error(`CI=true: these tests need Redis at ${SHARED_REDIS_URL}, which is unreachable`);
  return undefined;
}

/**
 * A key prefix that no other test or test process uses, so that tests can share a Redis.
 *
 * @example
 * const prefix = testKeyPrefix("failover"); // "pigeon-e2e:failover:1234:9f2c01ab77e3"
 */
export function testKeyPrefix(label: string): string {
  return `pigeon-e2e:${label}:${process.pid}:${randomBytes(6).toString("hex")}`;
}

/**
 * Runs `use` with a client of `target` (a Cluster client for a cluster), then closes it.
 *
 * @example
 * const size = await withRedis(target, (redis) => redis.dbsize());
 */
export async function withRedis<T>(target: RedisTarget, use: (redis: Redis | Cluster) => Promise<T>): Promise<T> {
  const redis = target.cluster ? new Cluster([target.url], { lazyConnect: true }) : new Redis(target.url, { lazyConnect: true });
  redis.on("error", () => undefined);
  await redis.connect();
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

/** The keys under `prefix`, found with SCAN on every master. */
export async function keysWithPrefix(target: RedisTarget, prefix: string): Promise<string[]> {
  return withRedis(target, async (redis) => (await Promise.all(masters(redis).map((server) => scanPrefix(server, prefix)))).flat().sort());
}

/**
 * Deletes the keys under `prefix`, one by one (they may live in different Cluster slots).
 *
 * @example
 * afterAll(() => deleteKeysWithPrefix(target, prefix));
 */
export async function deleteKeysWithPrefix(target: RedisTarget, prefix: string): Promise<void> {
  const keys = await keysWithPrefix(target, prefix);
  if (keys.length === 0) return;
  await withRedis(target, async (redis) => {
    await Promise.all(keys.map((key) => redis.unlink(key)));
  });
}

/**
 * How many keys under `prefix` each master holds (one entry for a single Redis).
 *
 * @example
 * expect((await keysPerMaster(target, prefix)).filter((n) => n > 0).length).toBe(3);
 */
export async function keysPerMaster(target: RedisTarget, prefix: string): Promise<number[]> {
  return withRedis(target, (redis) => Promise.all(masters(redis).map(async (server) => (await scanPrefix(server, prefix)).length)));
}

function masters(redis: Redis | Cluster): Redis[] {
  return redis instanceof Cluster ? redis.nodes("master") : [redis];
}

/** SCAN, never KEYS: the Redis may be shared. */
async function scanPrefix(server: Redis, prefix: string): Promise<string[]> {
  if (!/^[\w:.-]+$/.test(prefix)) throw new Error(`refusing to match keys by a pattern-like prefix: ${prefix}`);
  const found = new Set<string>();
  let cursor = "0";
  do {
    const [next, keys] = await server.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    for (const key of keys) found.add(key);
  } while (cursor !== "0");
  return [...found];
}

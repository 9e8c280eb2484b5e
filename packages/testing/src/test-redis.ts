// Redis for tests: find it, skip without it (fail without it in CI), and clean up after.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Cluster, Redis } from "ioredis";
import { describe, it } from "vitest";
import { redisReachable } from "@pigeon/relay";

/** The Redis tests use: `PIGEON_TEST_REDIS_URL`, else the local default, shared by parallel test files. */
export const TEST_REDIS_URL = process.env.PIGEON_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * The URL of a reachable Redis for tests, or undefined when there is none. In CI
 * (`CI=true`) a missing Redis is an error, so Redis tests never silently stop running.
 *
 * @example
 * const url = await redisUrlForTests();
 */
export async function redisUrlForTests(url = TEST_REDIS_URL): Promise<string | undefined> {
  if (await redisReachable(url)) return url;
  if (process.env.CI === "true") throw new Error(`CI=true: the Redis tests need Redis at ${url}, which is unreachable`);
  return undefined;
}

/**
 * `describe(title, body)` when Redis is reachable; otherwise a skipped suite saying why (and,
 * in CI, a thrown error). Await it at the top level of the test file.
 *
 * @example
 * await describeWithRedis("RedisStore", (url) => {
 *   it("connects", async () => { ... });
 * });
 */
export async function describeWithRedis(title: string, body: (url: string) => void): Promise<void> {
  const url = await redisUrlForTests();
  if (url !== undefined) {
    describe(title, () => {
      body(url);
    });
    return;
  }
  describe.skip(`${title} (skipped: no Redis at ${TEST_REDIS_URL}; with CI=true this fails instead)`, () => {
    it.skip("needs a reachable Redis", () => undefined);
  });
}

/**
 * `describe(title, body)` when redis-server and redis-cli are installed, for tests that run Redis
 * processes of their own (./redis-process.ts); otherwise a skipped suite saying why (printed
 * too), and in CI (`CI=true`) a thrown error.
 *
 * @example
 * describeWithRedisBinaries("RedisStore on a Redis Cluster", () => { ... });
 */
export function describeWithRedisBinaries(title: string, body: () => void): void {
  const missing = ["redis-server", "redis-cli"].filter((binary) => spawnSync(binary, ["--version"]).status !== 0);
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const reason = `${missing.join(" and ")} not installed`;
  if (process.env.CI === "true") throw new Error(`CI=true: "${title}" cannot run: ${reason}`);
  console.warn(`skipping "${title}": ${reason}`);
  describe.skip(`${title} (skipped: ${reason}; with CI=true this fails instead)`, () => {
    it.skip("needs redis-server and redis-cli", () => undefined);
  });
}

/**
 * A key prefix no other test (or test process) uses, so tests can share one Redis.
 *
 * @example
 * const store = await RedisStore.connect({ url, limits, prefix: testKeyPrefix("restart") });
 */
export function testKeyPrefix(label: string): string {
  return `pigeon-test:${label}:${process.pid}:${randomBytes(6).toString("hex")}`;
}

/** A Redis to run against: one server, or one node of a Redis Cluster. */
export interface RedisTarget {
  readonly url: string;
  readonly cluster: boolean;
}

const asTarget = (target: string | RedisTarget): RedisTarget => (typeof target === "string" ? { url: target, cluster: false } : target);

/**
 * Runs `use` with a client of `target` (a Cluster client for a cluster), then closes it.
 *
 * @example
 * const size = await withRedis(target, (redis) => redis.dbsize());
 */
export async function withRedis<T>(target: string | RedisTarget, use: (redis: Redis | Cluster) => Promise<T>): Promise<T> {
  const { url, cluster } = asTarget(target);
  const redis = cluster ? new Cluster([url], { lazyConnect: true }) : new Redis(url, { lazyConnect: true });
  redis.on("error", () => undefined);
  await redis.connect();
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

/**
 * The keys under `prefix` on every master, found with SCAN (never KEYS: the Redis is shared).
 *
 * @example
 * expect(await keysWithPrefix(url, prefix)).toEqual([]);
 */
export async function keysWithPrefix(target: string | RedisTarget, prefix: string): Promise<string[]> {
  return withRedis(target, async (redis) => (await Promise.all(masters(redis).map((server) => scanPrefix(server, prefix)))).flat().sort());
}

/**
 * Deletes the keys under `prefix` (never FLUSHDB: the Redis is shared), one by one since they
 * may live in different Cluster slots. Returns how many.
 *
 * @example
 * afterAll(() => deleteKeysWithPrefix(url, prefix));
 */
export async function deleteKeysWithPrefix(target: string | RedisTarget, prefix: string): Promise<number> {
  const keys = await keysWithPrefix(target, prefix);
  if (keys.length === 0) return 0;
  const deleted = await withRedis(target, (redis) => Promise.all(keys.map((key) => redis.unlink(key))));
  return deleted.reduce((sum, count) => sum + count, 0);
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

/**
 * Subscribers of a shard channel over the Redis servers at `ports` (each counts its own).
 *
 * @example
 * expect(await shardSubscribers([port], "pigeon:sio#/#lobby#")).toBe(2);
 */
export async function shardSubscribers(ports: readonly number[], channel: string): Promise<number> {
  const counts = await Promise.all(
    ports.map(async (port) => {
      const redis = new Redis({ port, host: "127.0.0.1", retryStrategy: () => null });
      try {
        const [, count] = (await redis.call("PUBSUB", "SHARDNUMSUB", channel)) as [string, number];
        return count;
      } finally {
        redis.disconnect();
      }
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

/**
 * The script calls a Redis has run since its start (EVALSHA, and EVAL when a script was not
 * loaded yet), from INFO commandstats: on a redis-server of the test's own, where nothing else
 * runs, what a step cost in calls is the difference.
 *
 * @example
 * const before = await scriptCalls(admin);
 */
export async function scriptCalls(redis: Redis): Promise<number> {
  const stats = await redis.info("commandstats");
  const calls = (command: string) => Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
  return calls("evalsha") + calls("eval");
}

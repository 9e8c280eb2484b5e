// RedisStore.open on a Redis that is not there yet: the store starts anyway, unhealthy, and
// connects by itself once a redis-server of the test's own comes up on the port it was given.
import { afterEach, expect, it } from "vitest";
import { RedisStore } from "../redis-store.js";
import { CONTRACT_LIMITS } from "@pigeon/testing";
import { freePort, startRedisServer } from "@pigeon/testing";
import { describeWithRedisBinaries, waitUntil } from "@pigeon/testing";

const KEY_A = { kind: "keyed", publicKey: "A".repeat(43) } as const;
const message = (id: string) => ({ id, user: "alice", message: `text of ${id}`, sentAt: 0 });
/** Far more than failing at once takes, far less than any wait for Redis would (5 s commands, retries). */
const AT_ONCE_MS = 500;

/** Runs `operation`, returning how it settled and after how long. */
async function timed(operation: () => Promise<unknown>) {
  const started = performance.now();
  const [result] = await Promise.allSettled([operation()]);
  return { result, ms: performance.now() - started };
}

describeWithRedisBinaries("RedisStore opened before Redis is up", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("starts unhealthy, fails operations at once as unavailable, and connects by itself when Redis comes", async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const opening = await RedisStore.open({ url, limits: CONTRACT_LIMITS, prefix: "late" });
    const { store, unreachable } = opening;
    cleanups.push(() => store.close());
    expect(unreachable?.message).toBe(`cannot connect to Redis at ${url}`);
    expect(unreachable?.cause).toMatchObject({ code: "ECONNREFUSED" });
    expect(store.healthy()).toBe(false);

    const operations = [
      () => store.append("lobby", message("early")),
      () => store.claimName("alice", KEY_A, "c1", 0),
      () => store.members("lobby"),
      () => store.heartbeat(0),
      () => store.sweep(0),
    ];
    for (const { result, ms } of await Promise.all(operations.map(timed))) {
      expect(result).toMatchObject({ status: "rejected", reason: { message: expect.stringMatching(/enableOfflineQueue/) } });
      expect(result.status === "rejected" && store.isUnavailableError(result.reason)).toBe(true);
      expect(ms).toBeLessThan(AT_ONCE_MS);
    }

    const redis = await startRedisServer({ port });
    cleanups.push(() => redis.stop());
    await waitUntil(() => store.healthy(), "the store reaches the Redis that came up");
    await opening.connected;
    expect(await store.claimName("alice", KEY_A, "c1", 0)).toBe(true);
    await store.addMember("lobby", "alice", 0);
    expect(await store.append("lobby", message("m1"))).toEqual({ seq: 1 });
    expect((await store.entriesAfter("lobby", 0)).entries.map(({ id }) => id)).toEqual(["m1"]);
    expect(await store.memberships("alice")).toEqual([{ room: "lobby", acked: 0 }]);
  });

  it("says nothing is wrong when Redis answers at startup", async () => {
    const redis = await startRedisServer();
    cleanups.push(() => redis.stop());
    const { store, unreachable, connected } = await RedisStore.open({ url: redis.url, limits: CONTRACT_LIMITS, prefix: "late" });
    cleanups.push(() => store.close());
    expect(unreachable).toBeUndefined();
    expect(store.healthy()).toBe(true);
    await connected;
    expect(await store.append("lobby", message("m1"))).toEqual({ seq: 1 });
  });

  it("closes before Redis ever answered, at once", async () => {
    const { store } = await RedisStore.open({ url: `redis://127.0.0.1:${await freePort()}`, limits: CONTRACT_LIMITS });
    const { result, ms } = await timed(() => store.close());
    expect(result.status).toBe("fulfilled");
    expect(ms).toBeLessThan(AT_ONCE_MS);
  });

  it("still refuses a malformed URL at startup", async () => {
    await expect(RedisStore.open({ url: "http://127.0.0.1:6379", limits: CONTRACT_LIMITS })).rejects.toThrow(
      /invalid Redis URL: http:\/\/127\.0\.0\.1:6379\/ \(the scheme must be redis: or rediss:/,
    );
    await expect(RedisStore.open({ url: "redis://user:secret@[nope", limits: CONTRACT_LIMITS })).rejects.toThrow(
      /^the Redis URL is not a valid URL/,
    );
  });
});

// RedisStore.open on a Redis that is not there yet: the store starts anyway, unhealthy, and
// connects by itself once a redis-server of the test's own comes up on the port it was given.
import { afterEach, expect, it } from "vitest";
import { RedisStore } from "../redis-store.js";
import {
  aliceMessage,
  CONTRACT_LIMITS,
  describeWithRedisBinaries,
  freePort,
  KEY_A,
  settledTimed,
  startRedisServer,
  waitUntil,
} from "@pigeon/testing";

/** A close that waited for Redis would sit through 5 s command timeouts and retries; this bounds the test instead. */
const CLOSE_LIMIT_MS = 2_000;

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
      () => store.append("lobby", aliceMessage("early")),
      () => store.claimName("alice", KEY_A, "c1", 0),
      () => store.members("lobby"),
      () => store.heartbeat(0),
      () => store.sweep(0),
    ];
    // Refused by ioredis itself (no offline queue), so they fail at once instead of waiting for Redis.
    for (const { result } of await Promise.all(operations.map(settledTimed))) {
      expect(result).toMatchObject({ status: "rejected", reason: { message: expect.stringMatching(/enableOfflineQueue/) } });
      expect(result.status === "rejected" && store.isUnavailableError(result.reason)).toBe(true);
    }

    const redis = await startRedisServer({ port });
    cleanups.push(() => redis.stop());
    await waitUntil(() => store.healthy(), "the store reaches the Redis that came up");
    await opening.connected;
    expect(await store.claimName("alice", KEY_A, "c1", 0)).toBe(true);
    const { incarnation } = await store.addMember("lobby", "alice", 0);
    expect(await store.append("lobby", aliceMessage("m1"))).toEqual({ seq: 1, incarnation });
    expect((await store.entriesAfter("lobby", 0)).entries.map(({ id }) => id)).toEqual(["m1"]);
    expect(await store.memberships("alice")).toEqual([{ room: "lobby", acked: 0, incarnation, mode: "plain" }]);
  });

  it("says nothing is wrong when Redis answers at startup", async () => {
    const redis = await startRedisServer();
    cleanups.push(() => redis.stop());
    const { store, unreachable, connected } = await RedisStore.open({ url: redis.url, limits: CONTRACT_LIMITS, prefix: "late" });
    cleanups.push(() => store.close());
    expect(unreachable).toBeUndefined();
    expect(store.healthy()).toBe(true);
    await connected;
    expect(await store.append("lobby", aliceMessage("m1"))).toMatchObject({ seq: 1 });
  });

  it("closes before Redis ever answered, without waiting for it", { timeout: CLOSE_LIMIT_MS }, async () => {
    const { store } = await RedisStore.open({ url: `redis://127.0.0.1:${await freePort()}`, limits: CONTRACT_LIMITS });
    await expect(store.close()).resolves.toBeUndefined();
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

import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  describeWithRedisBinaries,
  startRedisServer,
  testIdentity,
  useKeyed,
  useRelay,
  useSocket,
  waitUntil,
  type RedisServerProcess,
} from "@pigeon/testing";

describeWithRedisBinaries("a relay whose Redis is out of memory", () => {
  let server: RedisServerProcess;
  let admin: Redis;
  beforeAll(async () => {
    server = await startRedisServer({ args: ["--maxmemory-policy", "noeviction"] });
    admin = new Redis(server.url);
  });
  afterAll(async () => {
    await admin.quit();
    await server.stop();
  });

  it("answers chats and logins with STORE_FULL, fails /healthz, and recovers by itself once Redis takes writes", async () => {
    const relay = await useRelay({ store: "redis", redisUrl: server.url, redisPrefix: "full", healthAllowFrom: "127.0.0.1" });
    const alice = await useKeyed(relay, testIdentity(), "alice", ["lobby"]);
    // Below what Redis uses already: with noeviction it refuses every write ("OOM command not allowed").
    await admin.config("SET", "maxmemory", "1");

    expect(await alice.emitWithAck("chat", { room: "lobby", text: "hello" })).toMatchObject({ ok: false, error: { code: "STORE_FULL" } });
    const carol = await useSocket(relay);
    expect(await carol.emitWithAck("login", "carol")).toMatchObject({ ok: false, error: { code: "STORE_FULL" } });
    const health = await fetch(`${relay.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: "store-full", storeReachable: true, reason: expect.stringContaining("out of memory") });

    await admin.config("SET", "maxmemory", "0");
    await waitUntil(async () => (await fetch(`${relay.url}/healthz`)).status === 200, "/healthz is 200 again once Redis takes writes");
    expect(await alice.emitWithAck("chat", { room: "lobby", text: "hello again" })).toMatchObject({ ok: true });
    expect(await carol.emitWithAck("login", "carol")).toMatchObject({ ok: true });
  });
});

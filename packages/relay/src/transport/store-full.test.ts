import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it, onTestFinished } from "vitest";
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
    // `dir` is a protected setting since Redis 7: the disk test moves it.
    server = await startRedisServer({ args: ["--maxmemory-policy", "noeviction", "--enable-protected-configs", "yes"] });
    admin = new Redis(server.url);
  });
  afterAll(async () => {
    await admin.quit();
    await server.stop();
  });

  /**
   * A relay whose Redis `refuseWrites()` makes refuse every write: chats and logins get
   * STORE_FULL and /healthz is 503 with `reason`; after `takeWrites()` it recovers by itself.
   */
  async function fullUntilFixed(prefix: string, reason: string, refuseWrites: () => Promise<void>, takeWrites: () => Promise<void>) {
    const relay = await useRelay({ store: "redis", redisUrl: server.url, redisPrefix: prefix, healthAllowFrom: "127.0.0.1" });
    const alice = await useKeyed(relay, testIdentity(), "alice", ["lobby"]);
    await refuseWrites();

    expect(await alice.emitWithAck("chat", { room: "lobby", text: "hello" })).toMatchObject({ ok: false, error: { code: "STORE_FULL" } });
    const carol = await useSocket(relay);
    expect(await carol.emitWithAck("login", "carol")).toMatchObject({ ok: false, error: { code: "STORE_FULL" } });
    const health = await fetch(`${relay.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: "store-full", storeReachable: true, reason: expect.stringContaining(reason) });

    await takeWrites();
    await waitUntil(async () => (await fetch(`${relay.url}/healthz`)).status === 200, "/healthz is 200 again once Redis takes writes");
    expect(await alice.emitWithAck("chat", { room: "lobby", text: "hello again" })).toMatchObject({ ok: true });
    expect(await carol.emitWithAck("login", "carol")).toMatchObject({ ok: true });
  }

  it("answers chats and logins with STORE_FULL, fails /healthz, and recovers by itself once Redis takes writes", async () => {
    await fullUntilFixed(
      "full",
      "out of memory",
      // Below what Redis uses already: with noeviction it refuses every write ("OOM command not allowed").
      () => admin.config("SET", "maxmemory", "1").then(() => undefined),
      () => admin.config("SET", "maxmemory", "0").then(() => undefined),
    );
  });

  it("answers STORE_FULL and fails /healthz while Redis cannot save to its disk (MISCONF), and recovers once it can", async () => {
    // A snapshot that cannot be written (here its directory is gone; on a server, a full disk)
    // makes Redis refuse every write while `stop-writes-on-bgsave-error` is on, its default.
    const [gone, good] = await Promise.all([mkdtemp(join(tmpdir(), "pigeon-misconf-")), mkdtemp(join(tmpdir(), "pigeon-misconf-"))]);
    onTestFinished(async () => {
      await admin.config("SET", "save", "");
      await Promise.all([gone, good].map((dir) => rm(dir, { recursive: true, force: true })));
    });
    await fullUntilFixed(
      "misconf",
      "cannot save to its disk",
      async () => {
        await admin.config("SET", "save", "3600 1");
        await admin.config("SET", "dir", gone);
        await rm(gone, { recursive: true });
        await admin.bgsave();
        await waitUntil(async () => (await admin.info("persistence")).includes("rdb_last_bgsave_status:err"), "the snapshot failed");
      },
      async () => {
        await admin.config("SET", "dir", good);
        await admin.bgsave();
      },
    );
  });
});

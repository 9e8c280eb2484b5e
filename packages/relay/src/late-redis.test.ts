// A relay started while Redis is unreachable: it serves (unhealthy, refusing logins with
// UNAVAILABLE) instead of exiting, and recovers by itself once a redis-server of the test's own
// comes up on the port REDIS_URL names, broadcasting between nodes through Redis too.
import { pino } from "pino";
import { afterEach, expect, it } from "vitest";
import {
  describeWithRedisBinaries,
  freePort,
  greeting,
  memoryStore,
  nextEvent,
  shardSubscribers,
  startRedisServer,
  startTestServer,
  testIdentity,
  useMember,
  useSocket,
  waitUntil,
  type RedisServerProcess,
  type TestServer,
} from "@pigeon/testing";

const PREFIX = "late-redis";

async function healthz(server: TestServer): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A logger whose lines the test reads. */
function capturingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { logger, lines };
}

describeWithRedisBinaries("a relay started before Redis is up", () => {
  const servers: TestServer[] = [];
  const redisServers: RedisServerProcess[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await Promise.all(redisServers.splice(0).map((redis) => redis.stop()));
  });
  const startRelay = async (redisUrl: string, logger = pino({ level: "silent" })) => {
    // The test asks from 127.0.0.1, which may see the details of /healthz.
    const server = await startTestServer({ store: "redis", redisUrl, redisPrefix: PREFIX, healthAllowFrom: "127.0.0.1" }, { logger });
    servers.push(server);
    return server;
  };
  const startRedis = async (port: number) => {
    const redis = await startRedisServer({ port });
    redisServers.push(redis);
    return redis;
  };

  it("says it is unavailable while broadcasts cannot reach it, though its store answers", async () => {
    // Each Redis client reconnects on its own schedule: after an outage the store may be back
    // before the adapter's subscriber, and a broadcast from another node meanwhile is lost here.
    // The store answers throughout (in memory); only the adapter's redis-server goes away.
    const redis = await startRedis(await freePort());
    const server = await startTestServer(
      { store: "redis", redisUrl: redis.url, redisPrefix: PREFIX, healthAllowFrom: "127.0.0.1" },
      { logger: pino({ level: "silent" }), store: memoryStore() },
    );
    servers.push(server);
    expect((await healthz(server)).status).toBe(200);
    await redis.kill();
    await waitUntil(async () => (await healthz(server)).status === 503, "/healthz says 503 once the adapter's Redis is gone");
    expect(await healthz(server)).toMatchObject({ body: { status: "unavailable", storeReachable: true, broadcastsFlow: false } });
    await redis.restart();
    await waitUntil(async () => (await healthz(server)).status === 200, "/healthz says 200 once the adapter is back");
    expect(await healthz(server)).toMatchObject({ body: { status: "ok", storeReachable: true, broadcastsFlow: true } });
  });

  it("says it is unhealthy and refuses logins with UNAVAILABLE, then recovers by itself", async () => {
    const port = await freePort();
    const { logger, lines } = capturingLogger();
    const server = await startRelay(`redis://127.0.0.1:${port}`, logger);

    expect(await healthz(server)).toMatchObject({ status: 503, body: { status: "unavailable", store: "redis", storeReachable: false } });
    const warnings = lines.filter(({ msg }) => msg.startsWith("Redis is unreachable"));
    expect(warnings).toEqual([expect.objectContaining({ level: 40, redis: `redis://127.0.0.1:${port}` })]);

    const guest = await useSocket(server);
    expect(await guest.emitWithAck("login", "gus")).toMatchObject({ ok: false, error: { code: "UNAVAILABLE" } });
    const alice = testIdentity();
    const keyed = await useSocket(server);
    const keyedLogin = alice.loginPayload("alice", greeting(keyed));
    expect(await keyed.emitWithAck("login", keyedLogin)).toMatchObject({ ok: false, error: { code: "UNAVAILABLE" } });

    await startRedis(port);
    await waitUntil(async () => (await healthz(server)).status === 200, "/healthz says 200");
    expect(await healthz(server)).toMatchObject({ body: { status: "ok", storeReachable: true } });
    // The same connections log in now, without reconnecting.
    expect(await guest.emitWithAck("login", "gus")).toEqual({ ok: true, data: { name: "gus", kind: "guest", rooms: [] } });
    expect(await keyed.emitWithAck("login", keyedLogin)).toEqual({ ok: true, data: { name: "alice", kind: "keyed", rooms: [] } });
    expect(lines.filter(({ msg }) => msg.startsWith("Redis is unreachable"))).toHaveLength(1);
    expect(lines.some(({ msg }) => msg === "Redis reached: the store is healthy")).toBe(true);
  });

  it("broadcasts between two relays started before Redis, once it is up", async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const [a, b] = [await startRelay(url), await startRelay(url)];
    expect((await healthz(a)).status).toBe(503);
    await startRedis(port);
    await waitUntil(async () => (await healthz(a)).status === 200 && (await healthz(b)).status === 200, "both relays are healthy");

    // Subscribed while Redis was down: the subscriptions waited, and went out once it was up.
    await waitUntil(async () => (await shardSubscribers([port], `${PREFIX}:sio#/#`)) === 2, "both nodes subscribe to the namespace");

    const alice = await useMember(a, "alice", ["lobby"]);
    const bob = await useMember(b, "bob", ["lobby"]);
    // Each node subscribes to the room's channel when its first socket joins (without waiting).
    await waitUntil(async () => (await shardSubscribers([port], `${PREFIX}:sio#/#lobby#`)) === 2, "both nodes subscribe to lobby");
    const heard = nextEvent(alice, "message", ({ room }) => room === "lobby");
    const sent = await bob.emitWithAck("chat", { room: "lobby", text: "across nodes" });
    expect(sent.ok).toBe(true);
    expect(await heard).toMatchObject({ room: "lobby", user: "bob", message: "across nodes" });
  });
});

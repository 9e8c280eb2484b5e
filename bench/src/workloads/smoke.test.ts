// One tiny run of each workload against real server processes (from source), with a handful
// of clients: the harness works end to end. Nothing here asserts on timing.
import { afterAll, describe, expect, it } from "vitest";
import { createIdentity } from "../clients/identity.js";
import { machineInfo, versions } from "../machine/info.js";
import { Probe } from "../clients/probe.js";
import { ThinClient } from "../clients/thin-client.js";
import { waitUntil } from "../measure/wait.js";
import { SERVER_KINDS, startServer } from "../servers/kinds.js";
import { killAllServers } from "../servers/process.js";
import { runDrain } from "./drain.js";
import { runFanout } from "./fanout.js";
import { runIdleMemory } from "./idle-memory.js";
import { runMlsClient } from "./mls-client.js";
import { runMaxRate, runOneToOne } from "./one-to-one.js";
import { redisAvailable, runScaleOut } from "./scale-out.js";
import { runScaling } from "./scaling.js";
import { runStores } from "./redis-store.js";
import { runCosts } from "./costs.js";
import { runStoreScripts } from "./store-scripts.js";
import { storeScriptsMarkdown } from "../report/floods-markdown.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redisUp = await redisAvailable(REDIS_URL);

afterAll(() => {
  killAllServers();
});

const TINY_FANOUT = {
  connections: 6,
  deliveriesPerSecond: () => 300,
  warmupMs: 200,
  measureMs: 400,
  probes: 1,
  sendersPerRoom: 1,
};

const TINY_ONE_TO_ONE = { pairs: 2, probePairs: 1, probeShare: 0.5, warmupMs: 200, measureMs: 300, inFlightPerSender: 2 };

describe.each(SERVER_KINDS)("%s", (server) => {
  it("carries a chat from a thin client to every member, thin and probe alike", async () => {
    const running = await startServer(server);
    try {
      const clients = await Promise.all(
        ["a", "b"].map(async (name) => {
          const client = await ThinClient.connect({ port: running.port, name });
          await client.login();
          await client.join("lobby");
          return client;
        }),
      );
      const probe = await Probe.connect({ port: running.port, name: "probe" });
      await probe.join("lobby");
      clients[0]?.chat("1:hello");
      expect(await waitUntil(() => clients.every((client) => client.messages === 1) && probe.messages === 1, 10_000)).toBe(true);
      expect(probe.latency.count).toBe(1);
      const memory = await running.memoryReport();
      expect(memory.rss).toBeGreaterThan(0);
      for (const client of clients) client.close();
      probe.close();
    } finally {
      await running.kill();
    }
  });

  it("runs a tiny fan-out in which every message reaches every member", async () => {
    const result = await runFanout({ server, mode: "guest", roomSize: 3 }, TINY_FANOUT);
    expect(result.rooms).toBe(2);
    expect(result.delivered).toBe(result.expected);
    expect(result.expected).toBeGreaterThan(0);
    expect(result.deliveriesPerCpuSecond).toBeGreaterThanOrEqual(0);
  });

  it("runs a tiny 1:1 latency measurement and a tiny maximum-rate run", async () => {
    const latency = await runOneToOne(server, "guest", 100, TINY_ONE_TO_ONE);
    expect(latency.delivered).toBe(latency.expected);
    expect(latency.latency.count).toBeGreaterThan(0);
    const maxRate = await runMaxRate(server, "guest", TINY_ONE_TO_ONE);
    expect(maxRate.messagesPerSecond).toBeGreaterThan(0);
  });

  it("measures idle memory over a few connections", async () => {
    const result = await runIdleMemory(server, { connections: 20, roomSize: 5, concurrency: 10, settleMs: 50 });
    expect(result.rssAfterBytes).toBeGreaterThan(0);
    expect(result.ramp.setupLatency.count).toBe(20);
  });
});

describe("keyed members on Pigeon", () => {
  it("sign the hello challenge, receive seqs and ack them", async () => {
    const pigeon = await startServer("pigeon");
    try {
      const alice = await ThinClient.connect({ port: pigeon.port, name: "alice", identity: createIdentity() });
      expect(await alice.login()).toMatchObject({ ok: true, data: { kind: "keyed" } });
      await alice.join("lobby");
      alice.chat("1:one");
      alice.chat("2:two");
      expect(await waitUntil(() => alice.latestSeq === 2, 10_000)).toBe(true);
    } finally {
      await pigeon.kill();
    }
  });

  it("run a tiny keyed maximum-rate run, each sender hearing its own keyed echo", async () => {
    const result = await runMaxRate("pigeon", "keyed", TINY_ONE_TO_ONE);
    expect(result.mode).toBe("keyed");
    expect(result.messagesPerSecond).toBeGreaterThan(0);
  });

  it("run a tiny keyed fan-out and both offline drains", async () => {
    const fanout = await runFanout({ server: "pigeon", mode: "keyed", roomSize: 3 }, TINY_FANOUT);
    expect(fanout.delivered).toBe(fanout.expected);
    const single = await runDrain({ members: 1, heldPerMember: 50 });
    expect(single).toMatchObject({ complete: true, delivered: 50 });
    const many = await runDrain({ members: 5, heldPerMember: 10 });
    expect(many).toMatchObject({ complete: true, delivered: 50 });
  });
});

describe("encrypted rooms on Pigeon", () => {
  it("run a tiny fan-out of real MLS application messages that reaches every member and the probe", async () => {
    const result = await runFanout({ server: "pigeon", mode: "encrypted", roomSize: 3 }, TINY_FANOUT);
    expect(result.delivered).toBe(result.expected);
    expect(result.expected).toBeGreaterThan(0);
    expect(result.latency.count).toBeGreaterThan(0);
  });
});

describe("scale-out", () => {
  it.skipIf(!redisUp)("runs one node and two nodes on Redis, clients spread over them", async () => {
    const results = await runScaleOut({
      nodeCounts: [1, 2],
      redisUrl: REDIS_URL,
      rooms: 2,
      roomSize: 4,
      inFlightPerSender: 2,
      warmupMs: 200,
      measureMs: 300,
    });
    expect(results.map((result) => result.nodes)).toEqual([1, 2]);
    for (const result of results) expect(result.deliveriesPerSecond).toBeGreaterThan(0);
  });
});

describe("the Redis store on one node", () => {
  it.skipIf(!redisUp)("runs keyed fan-out and the keyed maximum rate on memory and on Redis, Redis's CPU beside the relay's", async () => {
    const result = await runStores({ redisUrl: REDIS_URL, roomSizes: [3], fanout: TINY_FANOUT, oneToOne: TINY_ONE_TO_ONE }, () => undefined);
    expect(result.fanout.map((row) => [row.store, row.fanout.mode, row.fanout.roomSize])).toEqual([
      ["memory", "keyed", 3],
      ["redis", "keyed", 3],
    ]);
    for (const row of result.fanout) expect(row.fanout.delivered).toBe(row.fanout.expected);
    expect(result.fanout[0]?.fanout.redisCpuSeconds).toBeUndefined();
    if (result.redisCpuMeasured) expect(result.fanout[1]?.fanout.redisCpuSeconds).toBeGreaterThanOrEqual(0);
    expect(result.maxRate.map((row) => row.store)).toEqual(["memory", "redis"]);
    for (const row of result.maxRate) expect(row.maxRate.messagesPerSecond).toBeGreaterThan(0);
  });
});

describe("scaling rows", () => {
  it("fills one room and fans out in it, then opens idle connections from several source addresses", async () => {
    const result = await runScaling(
      {
        bigRoom: {
          ...TINY_FANOUT,
          cases: [
            { server: "pigeon", mode: "guest" },
            { server: "socketio", mode: "guest" },
            { server: "pigeon", mode: "keyed" },
          ],
        },
        idle: { connections: 30, roomSize: 10, concurrency: 10, settleMs: 50, connectionsPerSourceAddress: 10, servers: ["pigeon", "socketio"] },
      },
      () => undefined,
    );
    const bigRoom = result.bigRoom.map((row) => {
      if ("failure" in row) throw new Error(`${row.server} ${row.mode} failed: ${row.failure}`);
      return row;
    });
    expect(bigRoom.map((row) => [row.server, row.mode, row.rooms, row.roomSize])).toEqual([
      ["pigeon", "guest", 1, 6],
      ["socketio", "guest", 1, 6],
      ["pigeon", "keyed", 1, 6],
    ]);
    for (const row of bigRoom) expect(row.delivered).toBe(row.expected);
    for (const row of result.idle) {
      expect(row).toMatchObject({ target: 30, reached: 30, sourceAddresses: ["127.0.0.2", "127.0.0.3", "127.0.0.4"] });
      expect(row.stoppedBecause).toBeUndefined();
      expect(row.openFilesLimit.server ?? Number.POSITIVE_INFINITY).toBeGreaterThan(30);
    }
  });
});

describe("MLS client", () => {
  it("grows a tiny room, times joins and messages on both providers, and profiles them", async () => {
    const result = await runMlsClient(
      {
        joinSizes: [3, 5],
        joinRepetitions: 1,
        messageRoomSize: 5,
        encryptMessages: 20,
        heldMessages: 30,
        profileJoinSize: 5,
        profileJoinRepetitions: 1,
        profileDecryptMessages: 10,
      },
      () => undefined,
    );
    expect(result.joins.map((join) => [join.provider, join.members])).toEqual([
      ["webcrypto", 3],
      ["webcrypto", 5],
      ["node", 3],
      ["node", 5],
    ]);
    for (const join of result.joins) expect(join.commitBytes).toBeGreaterThan(0);
    expect(result.messages.map((messages) => [messages.provider, messages.held, messages.plaintextChars])).toEqual([
      ["webcrypto", 30, 64],
      ["node", 30, 64],
    ]);
    expect(result.profiles.map((profile) => `${profile.phase} ${profile.provider}`)).toEqual(["join webcrypto", "decrypt webcrypto", "join node", "decrypt node"]);
    for (const profile of result.profiles) expect(profile.summary.areas.length).toBeGreaterThan(0);
  });
});

describe("store scripts", () => {
  it("measures what the Redis store's messages and acks cost a redis-server of its own", async () => {
    const cases = [
      { label: "1:1", roomSize: 2, ackEvery: 1, rooms: 2, messages: 200 },
      { label: "rooms of 3", roomSize: 3, ackEvery: 1_000, rooms: 2, messages: 200 },
    ];
    const result = await runStoreScripts(1, () => undefined, cases);
    if (result === undefined) throw new Error("no redis-server could be started");
    const [oneToOne, unacked] = result.builds[0]?.rows ?? [];
    // An append and an ack from each member per message; without acks, the append alone.
    for (const row of [oneToOne, unacked]) {
      expect(row?.redisCpuUsPerMessage).toBeGreaterThan(0);
      expect(row?.scriptUsPerMessage).toBeGreaterThan(0);
      expect(row?.bytesInPerMessage).toBeGreaterThan(100);
    }
    expect(oneToOne?.callsPerMessage).toBeGreaterThan(unacked?.callsPerMessage ?? Infinity);
    const meta = { startedAt: new Date().toISOString(), durationSeconds: 1, machine: machineInfo(), versions: versions() };
    expect(storeScriptsMarkdown(result, meta)).toContain("| 1:1 (2 rooms, 200 messages) |");
  });
});

describe("costs", () => {
  it("measures every unit on the memory store and on Redis, and the check run, with a handful of clients", async () => {
    const result = await runCosts(
      {
        connections: 20,
        roomSize: 10,
        pairSize: 2,
        pairConnections: 10,
        largeRoomSize: 10,
        largeConnections: 20,
        messagesPerSecond: 200,
        largeMessagesPerSecond: 50,
        measureMs: 200,
        rounds: 1,
        acksPerMember: 3,
        bigTextLength: 1_000,
        bigMessages: 20,
        settleMs: 50,
        idleMs: 100,
        check: { nodes: 2, rooms: 2, roomSize: 10, inFlightPerSender: 2, messagesPerSecond: [20], warmupMs: 200, measureMs: 300, settleMs: 50 },
      },
      REDIS_URL,
      () => undefined,
    );
    expect(result.stores.map((store) => store.store)).toEqual(redisUp || result.redis === "private" ? ["memory", "redis"] : ["memory"]);
    for (const store of result.stores) {
      expect(store.incomplete).toEqual([]);
      expect(store.units.keyedLogin.relayCpuMicros).toBeGreaterThan(0);
      expect(store.units.ack.relayCpuMicros).toBeGreaterThan(0);
      expect(store.memory.nodeBaseRssBytes).toBeGreaterThan(0);
      expect(store.deliveryFrameBytes.keyed).toBeGreaterThan(store.deliveryFrameBytes.guest);
    }
    const redis = result.stores.find((store) => store.store === "redis");
    if (redis) {
      // Every keyed message goes through Redis (the room log, the broadcast): commands and bytes.
      expect(redis.units.keyedMessage.redis?.calls).toBeGreaterThan(0);
      expect(redis.units.keyedLogin.redis?.netInputBytes).toBeGreaterThan(0);
      expect(redis.units.extraNodePerMessage).toBeDefined();
      expect(result.check?.windows.map((window) => window.loop)).toEqual(["open", "closed"]);
      for (const window of result.check?.windows ?? []) expect(window.deliveries).toBeGreaterThan(0);
    }
  });
});

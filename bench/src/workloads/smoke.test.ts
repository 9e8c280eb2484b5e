// One tiny run of each workload against real server processes (from source), with a handful
// of clients: the harness works end to end. Nothing here asserts on timing.
import { afterAll, describe, expect, it } from "vitest";
import { createIdentity } from "../clients/identity.js";
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

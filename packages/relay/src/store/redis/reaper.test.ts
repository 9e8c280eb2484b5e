// The node-liveness tests (heartbeat, reapDeadNodes), run against one Redis and a Redis Cluster.
// Times are injected, never waited for.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { RedisStore } from "../redis-store.js";
import {
  CONTRACT_LIMITS,
  deleteKeysWithPrefix,
  describeWithRedis,
  describeWithRedisBinaries,
  GUEST,
  KEY_A,
  KEY_B,
  testKeyPrefix,
  useRedisCluster,
} from "@pigeon/testing";
import { connectRedis } from "./connect.js";
import { KeyLayout, nodeKeyList } from "./keys.js";
import type { RedisClient } from "./scripts.js";

const DEAD_AFTER_MS = 3_000;
const { memberTtlMs } = CONTRACT_LIMITS;

/** `reaper` looks for dead nodes at each of `times` (its clock), as its heartbeats do; what its last look released. */
async function looks(reaper: RedisStore, ...times: number[]): Promise<string[]> {
  let rooms: string[] = [];
  for (const now of times) rooms = await reaper.reapDeadNodes(now, DEAD_AFTER_MS);
  return rooms;
}

/** The node ids of node list members (`<node id>/<instance>`), sorted. */
const names = (members: string[]) => members.map((member) => member.split("/")[0]).sort();

/** Where the suite runs: read when each test starts, since servers may start in beforeAll. */
interface LivenessTarget {
  url(): string;
  readonly cluster: boolean;
  /** A key prefix no other test uses. */
  prefix(): string;
}

/**
 * Registers the node-liveness tests: stores with different node ids on one prefix, as nodes
 * sharing a Redis; one stops beating and the others reap it.
 *
 * @example
 * describeNodeLiveness("single Redis", { url: () => url, cluster: false, prefix: nextPrefix });
 */
function describeNodeLiveness(title: string, target: LivenessTarget): void {
  describe(`RedisStore node liveness: ${title}`, () => {
    const open: { close(): Promise<unknown> }[] = [];
    const nodes = async (...ids: string[]) => {
      const prefix = target.prefix();
      const { cluster } = target;
      const stores = await Promise.all(
        ids.map((nodeId) => RedisStore.connect({ url: target.url(), cluster, limits: CONTRACT_LIMITS, prefix, nodeId })),
      );
      open.push(...stores);
      return { prefix, stores };
    };
    /** A plain client (with the store's scripts), to look under the store. */
    let client: RedisClient | undefined;
    const raw = async () => {
      if (client === undefined) {
        const redis = (client = await connectRedis({ url: target.url(), cluster: target.cluster }));
        open.push({ close: () => redis.quit() });
      }
      return client;
    };
    const nodeList = async (prefix: string) => (await raw()).zrange(new KeyLayout(prefix).nodes, 0, -1);

    afterEach(async () => {
      client = undefined;
      await Promise.all(open.splice(0).map((store) => store.close()));
    });

    it("releases what a dead node's connections held, as their disconnect handlers would have", async () => {
      const { stores } = await nodes("a", "b");
      const [a, b] = stores as [RedisStore, RedisStore];
      await a.claimName("alice", KEY_A, "a1", 0);
      await a.addMember("lobby", "alice", 0);
      await a.addPresence("lobby", "alice", "a1");
      await a.claimName("Gus", GUEST, "a2", 0);
      await a.addPresence("lobby", "Gus", "a2");
      await a.addPresence("side", "Gus", "a2");
      await b.claimName("bob", KEY_B, "b1", 0);
      await b.addMember("lobby", "bob", 0);
      await b.addPresence("lobby", "bob", "b1");
      await Promise.all([a.heartbeat(1_000), b.heartbeat(1_000)]);

      // a stops beating; it is dead once b has seen its beat stay the same for DEAD_AFTER_MS
      // (from b's first look), over four looks.
      expect(await looks(b, 2_000, 3_000, 4_000)).toEqual([]);
      expect(await b.reapDeadNodes(5_000, DEAD_AFTER_MS)).toEqual(["lobby", "side"]);

      expect(await b.members("lobby")).toEqual([
        { name: "alice", online: false },
        { name: "bob", online: true },
      ]);
      expect(await b.members("side")).toEqual([]);
      expect(await b.claimName("gus", GUEST, "b2", 5_000)).toBe(true);
      // alice is still a member of lobby, so her name stays hers; her away-time started at the reap.
      expect(await b.claimName("alice", KEY_B, "b3", 5_000)).not.toBe(true);
      expect(await b.sweep(5_000 + memberTtlMs - 1)).toEqual([]);
      expect(await b.sweep(5_000 + memberTtlMs + 1)).toEqual([{ room: "lobby", droppedMembers: ["alice"], deleted: [] }]);
      expect(await b.claimName("alice", KEY_B, "b3", 10_100)).toBe(true);
      expect(await b.members("lobby")).toEqual([{ name: "bob", online: true }]);
    });

    it("leaves what live nodes hold, including another connection of the same identity", async () => {
      const { stores } = await nodes("a", "b");
      const [a, b] = stores as [RedisStore, RedisStore];
      await a.claimName("alice", KEY_A, "a1", 0);
      await b.claimName("alice", KEY_A, "b1", 0);
      await a.addPresence("lobby", "alice", "a1");
      await b.addPresence("lobby", "alice", "b1");
      await b.heartbeat(10_000);
      // b's own beat stays the same while it looks, but a node never presumes itself dead.
      for (const now of [20_000, 21_000, 22_000, 23_000]) {
        await a.heartbeat(now);
        expect(await b.reapDeadNodes(now, DEAD_AFTER_MS)).toEqual([]);
      }
      expect(await b.members("lobby")).toEqual([{ name: "alice", online: true }]);
      await b.removePresence("lobby", "alice", "b1");
      await b.releaseName("alice", "b1", 20_000);
      expect(await b.members("lobby")).toEqual([{ name: "alice", online: true }]);
      expect(await b.claimName("alice", KEY_B, "x", 20_000)).not.toBe(true);
    });

    it("times a beat on the reaper's own clock, so that nodes whose clocks disagree stay alive", async () => {
      const { stores } = await nodes("a", "b");
      const [a, b] = stores as [RedisStore, RedisStore];
      await a.claimName("Gus", GUEST, "a1", 0);
      await a.addPresence("lobby", "Gus", "a1");
      // a's clock is a minute behind b's, then a minute ahead: it beats at every look all the same.
      for (const [look, skew] of [[0, -60_000], [1_000, -60_000], [2_000, 60_000], [3_000, 60_000], [4_000, 60_000], [5_000, 60_000]] as const) {
        await a.heartbeat(look + skew);
        expect(await b.reapDeadNodes(look, DEAD_AFTER_MS)).toEqual([]);
      }
      expect(await b.members("lobby")).toEqual([{ name: "Gus", online: true }]);
      // Once a stops, its last beat stays the same: dead DEAD_AFTER_MS after b first saw it.
      expect(await looks(b, 6_000, 7_000)).toEqual([]);
      expect(await b.reapDeadNodes(8_000, DEAD_AFTER_MS)).toEqual(["lobby"]);
    });

    it("does not take its own clock stepping forward for time passing", async () => {
      const { stores } = await nodes("a", "b");
      const [a, b] = stores as [RedisStore, RedisStore];
      await a.claimName("Gus", GUEST, "a1", 0);
      await a.addPresence("lobby", "Gus", "a1");
      await a.heartbeat(1_000);
      // b's clock jumps an hour ahead between two looks, before a's next beat.
      expect(await looks(b, 1_000, 3_601_000)).toEqual([]);
      await a.heartbeat(2_000);
      expect(await looks(b, 3_602_000, 3_603_000, 3_604_000)).toEqual([]);
      expect(await b.members("lobby")).toEqual([{ name: "Gus", online: true }]);
    });

    it("reaps a dead node exactly once however many nodes try, and a second reap is harmless", async () => {
      const { prefix, stores } = await nodes("a", "b", "c", "d");
      const [a, ...reapers] = stores as [RedisStore, RedisStore, RedisStore, RedisStore];
      await a.claimName("Gus", GUEST, "a1", 0);
      await a.addPresence("lobby", "Gus", "a1");
      await a.heartbeat(0);
      const memberA = (await nodeList(prefix)).find((member) => member.startsWith("a/")) ?? "";
      const keysOfA = nodeKeyList(new KeyLayout(prefix).node(memberA));
      expect(await (await raw()).exists(...keysOfA)).toBe(2); // its names and presence records

      // The reapers beat, then look, at each of their heartbeats; they see one another beat.
      const beatThenLook = async (now: number) => {
        await Promise.all(reapers.map((store) => store.heartbeat(now)));
        return Promise.all(reapers.map((store) => store.reapDeadNodes(now, DEAD_AFTER_MS)));
      };
      for (const now of [7_000, 8_000, 9_000]) expect(await beatThenLook(now)).toEqual([[], [], []]);
      const reaped = await beatThenLook(10_000);
      expect(reaped.filter((rooms) => rooms.length > 0)).toEqual([["lobby"]]);
      expect(await beatThenLook(11_000)).toEqual([[], [], []]);
      expect(names(await nodeList(prefix))).toEqual(["b", "c", "d"]);
      expect(await (await raw()).exists(...keysOfA)).toBe(0);
      expect(await reapers[0].claimName("gus", GUEST, "b1", 10_000)).toBe(true);
    });

    it("lets a node presumed dead carry on, and reaps what it holds after if it dies for real", async () => {
      const { prefix, stores } = await nodes("a", "b");
      const [a, b] = stores as [RedisStore, RedisStore];
      await a.claimName("x", GUEST, "a1", 0);
      expect(await Promise.all([a.heartbeat(0), b.heartbeat(5_000)])).toEqual([false, false]);
      // x held no presence: no room's list changed, but a is reaped and x is free.
      expect(await looks(b, 2_000, 3_000, 4_000, 5_000)).toEqual([]);
      expect(await b.claimName("x", GUEST, "b1", 5_000)).toBe(true);

      // a was only frozen: it beats again, is listed again, and learns it was reaped (once).
      // Its stale disconnect frees nothing.
      expect(await a.heartbeat(6_000)).toBe(true);
      expect(await a.heartbeat(6_500)).toBe(false);
      expect(names(await nodeList(prefix))).toEqual(["a", "b"]);
      await a.releaseName("x", "a1", 6_000);
      expect(await a.claimName("x", GUEST, "a9", 6_000)).not.toBe(true);
      await a.claimName("y", GUEST, "a2", 6_000);
      await a.addPresence("lobby", "y", "a2");

      await b.heartbeat(10_000);
      expect(await looks(b, 7_000, 8_000, 9_000)).toEqual([]);
      expect(await b.reapDeadNodes(10_000, DEAD_AFTER_MS)).toEqual(["lobby"]);
      expect(await b.claimName("y", GUEST, "b2", 10_000)).toBe(true);
      expect(await b.claimName("x", GUEST, "b9", 10_000)).not.toBe(true);
    });

    it("finishes the work of a reaper that died half-way, once its claim has stayed too", async () => {
      const { prefix, stores } = await nodes("a", "b");
      const [a, b] = stores as [RedisStore, RedisStore];
      await a.claimName("Gus", GUEST, "a1", 0);
      await a.addPresence("lobby", "Gus", "a1");
      await a.heartbeat(0);
      // A reaper that saw a's beat (0) stay the same claims a at 5 000 (a second claim loses),
      // takes its records, then dies.
      const redis = await raw();
      const keys = new KeyLayout(prefix);
      const [member = ""] = await nodeList(prefix);
      const claim = () => redis.pigeonClaimDeadNode(keys.nodes, member, 0, 5_000);
      expect(await Promise.all([claim(), claim()])).toEqual([1, 0]);
      await redis.pigeonTakeHoldings(...nodeKeyList(keys.node(member)));

      await b.heartbeat(5_000);
      // The claim's score stays the same in turn: b finishes the job.
      expect(await looks(b, 5_000, 6_000, 7_000)).toEqual([]);
      expect(await b.reapDeadNodes(8_000, DEAD_AFTER_MS)).toEqual(["lobby"]);
      expect(await b.members("lobby")).toEqual([]);
      expect(await b.claimName("gus", GUEST, "b1", 8_000)).toBe(true);
      expect(names(await nodeList(prefix))).toEqual(["b"]);
    });
  });
}

await describeWithRedis("RedisStore on one Redis", (url) => {
  const filePrefix = testKeyPrefix("reaper");
  let count = 0;
  afterAll(async () => {
    await deleteKeysWithPrefix(url, filePrefix);
  });

  describeNodeLiveness("one Redis", { url: () => url, cluster: false, prefix: () => `${filePrefix}:${(count += 1)}` });
});

describeWithRedisBinaries("RedisStore on a Redis Cluster", () => {
  const cluster = useRedisCluster(3);
  let count = 0;

  describeNodeLiveness("Redis Cluster", { url: () => cluster().url, cluster: true, prefix: () => `reaper-cluster:${(count += 1)}` });
});

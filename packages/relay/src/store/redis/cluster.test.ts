import { Redis } from "ioredis";
import { afterEach, expect, it } from "vitest";
import { RedisStore } from "../redis-store.js";
import { CONTRACT_LIMITS, describeRelayStore } from "@pigeon/testing";
import { roomKeyList, KeyLayout } from "./keys.js";
import { useRedisCluster } from "@pigeon/testing";
import { describeWithRedisBinaries } from "@pigeon/testing";

const ROOMS = Array.from({ length: 24 }, (_, index) => `room-${index}`);

/** The keys under `prefix` on one server (not the whole cluster), by SCAN. */
async function keysOnNode(port: number, prefix: string): Promise<string[]> {
  const redis = new Redis({ port, host: "127.0.0.1" });
  try {
    const found: string[] = [];
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== "0");
    return found;
  } finally {
    await redis.quit();
  }
}

describeWithRedisBinaries("RedisStore on a Redis Cluster", () => {
  const cluster = useRedisCluster(3);
  let count = 0;
  const nextPrefix = () => `cluster:${(count += 1)}`;
  const open: { close(): Promise<unknown> }[] = [];

  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
  });

  // No script reaches a shared counter on a Cluster: the held budget is Redis's maxmemory there.
  describeRelayStore("redis cluster", (limits) => RedisStore.connect({ url: cluster().url, limits, prefix: nextPrefix(), cluster: true }), undefined, {
    heldBudget: false,
  });

  it("keeps all keys of a room on one slot, and spreads rooms over every shard", async () => {
    const prefix = nextPrefix();
    const store = await RedisStore.connect({ url: cluster().url, limits: CONTRACT_LIMITS, prefix, cluster: true, nodeId: "n1" });
    open.push(store);
    await store.claimName("alice", { kind: "keyed", publicKey: "A".repeat(43) }, "c1", 0);
    await store.heartbeat(0);
    for (const room of ROOMS) {
      await store.addMember(room, "alice", 0);
      await store.addMember(room, "bob", 0);
      await store.addPresence(room, "alice", "c1");
      await store.append(room, { id: `${room}-m1`, user: "alice", message: "hi", sentAt: 0 });
    }

    const redis = new Redis({ port: cluster().nodes[0]?.port, host: "127.0.0.1" });
    open.push({ close: () => redis.quit() });
    const keys = new KeyLayout(prefix, { cluster: true });
    for (const room of ROOMS) {
      const slots = await Promise.all(roomKeyList(keys.room(room)).map((key) => redis.cluster("KEYSLOT", key)));
      expect(new Set(slots).size).toBe(1);
    }
    const perNode = await Promise.all(cluster().nodes.map(({ port }) => keysOnNode(port, prefix)));
    const roomsPerNode = perNode.map((found) => new Set(found.flatMap((key) => /\{r:(.*)\}:/.exec(key)?.slice(1) ?? [])));
    for (const room of ROOMS) expect(roomsPerNode.filter((rooms) => rooms.has(room))).toHaveLength(1);
    expect(roomsPerNode.map((rooms) => rooms.size > 0)).toEqual([true, true, true]);
    // Every room has its eight keys (meta, log, cursors, members, presence, and senders,
    // sender-log and held for its one held entry) where its slot is.
    expect(perNode.flat().filter((key) => key.includes("{r:"))).toHaveLength(ROOMS.length * 8);
    expect(await store.heldEntries()).toBe(ROOMS.length);
  });
});

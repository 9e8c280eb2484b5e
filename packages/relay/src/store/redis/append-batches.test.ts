// The Redis store's appends, and its acks, of one turn go to Redis as one script call per room:
// counted on a redis-server of the test's own, where no other test's commands land.
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CONTRACT_LIMITS, describeWithRedisBinaries, scriptCalls, startRedisServer, type RedisServerProcess } from "@pigeon/testing";
import { RedisStore } from "../redis-store.js";

describeWithRedisBinaries("the Redis store's appends and acks", () => {
  let server: RedisServerProcess;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  /** Runs `step` on a store of its own and says how many script calls Redis ran for it. */
  const countingCalls = async (prefix: string, setUp: (store: RedisStore) => Promise<void>, step: (store: RedisStore) => Promise<void>) => {
    const store = await RedisStore.connect({ url: server.url, limits: { ...CONTRACT_LIMITS, maxRoomEntries: 1_000 }, prefix });
    const admin = new Redis(server.url);
    try {
      await setUp(store);
      const before = await scriptCalls(admin);
      await step(store);
      return (await scriptCalls(admin)) - before;
    } finally {
      admin.disconnect();
      await store.close();
    }
  };

  it("go to Redis as one script call per room for what one turn of the event loop gathered", async () => {
    const calls = await countingCalls(
      "batches",
      async (store) => {
        await store.addMember("lobby", "bob", 0);
        await store.addMember("team", "bob", 0);
      },
      async (store) => {
        const say = (room: string, index: number) => store.append(room, { id: `m${String(index)}`, user: "alice", message: "hi", sentAt: 0 });
        const replies = await Promise.all([...Array.from({ length: 100 }, (_, index) => say("lobby", index)), say("team", 100)]);
        expect(replies.map(({ seq }) => seq)).toEqual([...Array.from({ length: 100 }, (_, index) => index + 1), 1]);
      },
    );
    // The lobby's hundred in two calls (at most 64 a call), the team's one in another.
    expect(calls).toBe(3);
  });

  it("send a room's acks of one turn as one script call too", async () => {
    const members = Array.from({ length: 10 }, (_, index) => `member-${String(index)}`);
    const calls = await countingCalls(
      "ack-batches",
      async (store) => {
        for (const name of members) await store.addMember("lobby", name, 0);
        await store.append("lobby", { id: "m1", user: "alice", message: "hi", sentAt: 0 });
      },
      async (store) => {
        const acks = await Promise.all(members.map((name) => store.ack("lobby", name, 1, 0)));
        expect(acks.map((ack) => ack?.acked)).toEqual(members.map(() => 1));
        expect(acks.flatMap((ack) => ack?.deleted ?? []).map((entry) => entry.seq)).toEqual([1]);
      },
    );
    expect(calls).toBe(1);
  });

  it("are sent and answered before the store closes", async () => {
    const store = await RedisStore.connect({ url: server.url, limits: CONTRACT_LIMITS, prefix: "closing" });
    await store.addMember("lobby", "bob", 0);
    const appended = store.append("lobby", { id: "last", user: "alice", message: "bye", sentAt: 0 });
    const acked = store.ack("lobby", "bob", 0, 0);
    await store.close();
    expect(await appended).toMatchObject({ seq: 1 });
    expect(await acked).toMatchObject({ acked: 0 });
  });
});

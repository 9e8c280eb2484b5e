import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithRedisBinaries, nextEvent, startRedisServer, untyped, useMember, useRelay, type RedisServerProcess } from "@pigeon/testing";

// Since protocol 6 a send without an ack callback is answered by its echo. With several nodes
// the broadcast goes through the Redis adapter, which delivers on this node only once Redis took
// its publish: when Redis stops answering between the append and the broadcast, the sender's
// answer must not wait for Redis (an ack never did).

describeWithRedisBinaries("a send answered by its echo, when Redis stops answering after the append", () => {
  let redis: RedisServerProcess;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it("is answered at once by the echo to its sender, and the room's other members get it once Redis is back", async () => {
    let stallNext = false;
    const server = await useRelay(
      { store: "redis", redisUrl: redis.url },
      {
        wrapStore: (inner) => {
          const append = inner.append.bind(inner);
          inner.append = async (...args) => {
            const appended = await append(...args);
            // Stored; now Redis hangs (SIGSTOP), before the broadcast's publish.
            if (stallNext) redis.pause();
            stallNext = false;
            return appended;
          };
          return inner;
        },
      },
    );
    const alice = await useMember(server, "alice", ["lobby"]);
    const bob = await useMember(server, "bob", ["lobby"]);
    const echo = nextEvent(alice, "message", ({ clientId }) => clientId === "stalled-0001");
    const atBob = nextEvent(bob, "message", ({ clientId }) => clientId === "stalled-0001");
    stallNext = true;
    untyped(alice).emit("chat", { room: "lobby", text: "just before the stall", clientId: "stalled-0001" });
    try {
      expect(await echo).toMatchObject({ user: "alice", message: "just before the stall", seq: 1 });
    } finally {
      redis.resume();
    }
    expect(await atBob).toMatchObject({ user: "alice", seq: 1 });
  });
});

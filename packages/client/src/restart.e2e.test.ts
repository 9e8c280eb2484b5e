import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import {
  clientPool,
  describeWithRedisBinaries,
  freePort,
  nextEvent,
  record,
  startRedisServer,
  startTestServer,
  waitUntil,
  withRedis,
  type KeyedUser,
} from "@pigeon/testing";

// A room's seqs can start over under a connected client: a relay on the memory store restarts,
// or Redis comes back with an older copy of the room. The client must notice (the room has a
// new incarnation), tell its user, and deliver everything sent after it: before incarnations,
// it took every new message for a duplicate of the seq it already had, and showed nothing.

const pool = clientPool({ gapWaitMs: 200 });
afterEach(() => pool.closeAll());

/** Resolves once `user` has been through a reconnect and restored its session. */
async function reconnected(user: KeyedUser): Promise<void> {
  await nextEvent(user.client, "state", (state) => state === "reconnecting");
  await nextEvent(user.client, "state", (state) => state === "connected");
}

function texts(user: KeyedUser, room = "lobby"): string[] {
  return (user.received.get(room) ?? []).map(({ message }) => message);
}

describe("a relay on the memory store that restarts under connected clients", () => {
  it("starts the room over for them: the restart is announced and nothing sent after it is lost", async () => {
    const port = await freePort();
    let server = await startTestServer({}, { port });
    onTestFinished(() => server.close());
    const url = server.url;
    const alice = await pool.keyed(url, "alice", "lobby");
    const bob = await pool.keyed(url, "bob", "lobby");
    const restarts = record(bob.client, "restarted");
    const before = Array.from({ length: 100 }, (_, i) => `before ${i + 1}`);
    for (const text of before) await alice.client.send("lobby", text);
    await waitUntil(() => texts(bob).length === before.length, () => `bob has ${texts(bob).length} of ${before.length}`);

    const back = Promise.all([reconnected(alice), reconnected(bob)]);
    await server.close();
    server = await startTestServer({}, { port });
    await back;

    const after = Array.from({ length: 20 }, (_, i) => `after ${i + 1}`);
    for (const text of after) await alice.client.send("lobby", text);
    await waitUntil(
      () => texts(bob).length === before.length + after.length,
      () => `bob has ${texts(bob).length} of ${before.length + after.length}: ${texts(bob).slice(-3).join(", ")}`,
    );
    expect(texts(bob)).toEqual([...before, ...after]);
    expect(restarts).toEqual([{ room: "lobby", incarnation: expect.any(String) }]);
    const [first, last] = [bob.received.get("lobby")?.[0], bob.received.get("lobby")?.at(-1)];
    expect(last?.incarnation).toBe(restarts[0]?.incarnation);
    expect(last?.incarnation).not.toBe(first?.incarnation);
    expect(last?.seq).toBe(after.length);
  });
});

describeWithRedisBinaries("a Redis that comes back with an older copy of a room", () => {
  it("starts the room over: nothing sent after it is lost, and nothing is shown twice", async () => {
    // No AOF: a restart loads the last snapshot, as a restore from a backup (or an AOF fsynced
    // every second that lost its last second) would.
    const redis = await startRedisServer({ args: ["--dbfilename", "snapshot.rdb"] });
    onTestFinished(() => redis.stop());
    const server = await startTestServer({ store: "redis", redisUrl: redis.url });
    onTestFinished(() => server.close());
    const alice = await pool.keyed(server.url, "alice", "lobby");
    const bob = await pool.keyed(server.url, "bob", "lobby");
    const restarts = record(bob.client, "restarted");

    for (let i = 1; i <= 5; i += 1) await alice.client.send("lobby", `saved ${i}`);
    await waitUntil(() => texts(bob).length === 5, "bob has the first five");
    await withRedis(redis.url, (raw) => raw.save());
    for (let i = 1; i <= 5; i += 1) await alice.client.send("lobby", `lost ${i}`);
    await waitUntil(() => texts(bob).length === 10, "bob has all ten");

    // Redis dies and comes back with the snapshot: the room's seq is 5 again.
    await redis.restart();
    await waitUntil(() => server.relay.context.store.healthy(), "the relay reaches Redis again");
    const after = ["after 1", "after 2", "after 3"];
    for (const text of after) await alice.client.send("lobby", text);
    await waitUntil(() => texts(bob).length === 13, () => `bob has ${texts(bob).length} of 13: ${texts(bob).slice(-3).join(", ")}`);
    expect(texts(bob)).toEqual([...["saved", "lost"].flatMap((what) => [1, 2, 3, 4, 5].map((i) => `${what} ${i}`)), ...after]);
    expect(restarts).toMatchObject([{ room: "lobby" }]);
    // The new run reuses seqs 6-8, and they are not taken for the lost messages' duplicates.
    expect(bob.received.get("lobby")?.slice(-3).map(({ seq }) => seq)).toEqual([6, 7, 8]);
  });
});

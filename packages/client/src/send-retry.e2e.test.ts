import { afterEach, expect, it, onTestFinished } from "vitest";
import {
  clientPool,
  deleteKeysWithPrefix,
  describeEachStore,
  describeWithRedis,
  nextEvent,
  testKeyPrefix,
  useRelay,
  waitUntil,
  withStoreMethod,
  type TestServer,
} from "@pigeon/testing";

type RelayStore = TestServer["relay"]["context"]["store"];

// A send whose answer is lost with the connection may or may not have been stored. The SDK
// sends it again on the restored session under the same client id, and the relay answers the
// repeat with the original: the message is stored, delivered and acked exactly once.

const pool = clientPool();
afterEach(() => pool.closeAll());

/** `store` whose next append of `text` goes through, then the sender's connection drops before the answer. */
function dropAfterAppend(text: string, server: () => TestServer) {
  let armed = true;
  return (store: RelayStore): RelayStore =>
    withStoreMethod(store, "append", async (append, room, entry, clientKey) => {
      const appended = await append(room, entry, clientKey);
      if (armed && entry.message === text) {
        armed = false;
        for (const socket of server().relay.io.sockets.sockets.values()) if (socket.data.name === entry.user) socket.conn.close();
      }
      return appended;
    });
}

describeEachStore("a send whose answer was lost", (store) => {
  it("resolves once the session is back, and the room has the message once", async () => {
    // The wrapper needs the server it wraps the store of: it looks it up once a send comes.
    const server: TestServer = await useRelay({ store }, { wrapStore: dropAfterAppend("only once", () => server) });
    const alice = await pool.keyed(server.url, "alice", "lobby");
    const bob = await pool.keyed(server.url, "bob", "lobby");
    const reconnecting = nextEvent(alice.client, "state", (state) => state === "reconnecting");
    const sent = alice.client.send("lobby", "only once");
    await reconnecting;
    const ack = await sent;
    expect(ack).toMatchObject({ room: "lobby", seq: 1 });
    await alice.client.send("lobby", "next");
    await waitUntil(() => bob.received.get("lobby")?.length === 2, "bob has both");
    expect(bob.received.get("lobby")?.map(({ message, seq, id }) => [message, seq, id])).toEqual([
      ["only once", 1, ack.id],
      ["next", 2, expect.any(String)],
    ]);
    expect((await server.relay.context.store.entriesAfter("lobby", 0)).lastSeq).toBe(2);
  });
});

// A store that is away for a moment (Redis restarting, failing over) makes the relay refuse a
// send as UNAVAILABLE, with nothing stored. The SDK tries again by itself, under the same
// client id, for a few seconds, rather than drop what the person typed.

await describeWithRedis("a send while the server's store is away", (redisUrl) => {
  /** `store` whose appends fail as a Redis that cannot be reached does while `away()` says so; counts them. */
  function awayWhile(away: () => boolean, refused: { count: number }) {
    return (store: RelayStore): RelayStore =>
      withStoreMethod(store, "append", (append, ...args) => {
        if (!away()) return append(...args);
        refused.count += 1;
        return Promise.reject(new Error("Connection is closed."));
      });
  }

  async function relayAway(away: (refused: number) => boolean) {
    const redisPrefix = testKeyPrefix("store-away");
    onTestFinished(async () => {
      await deleteKeysWithPrefix(redisUrl, redisPrefix);
    });
    const refused = { count: 0 };
    const server = await useRelay({ store: "redis", redisUrl, redisPrefix }, { wrapStore: awayWhile(() => away(refused.count), refused) });
    return { server, refused };
  }

  it("sends again, under the same client id, until the store takes it", async () => {
    const { server, refused } = await relayAway((count) => count < 2);
    const alice = await pool.keyed(server.url, "alice", "lobby");
    const bob = await pool.keyed(server.url, "bob", "lobby");
    const ack = await alice.client.send("lobby", "through the blip");
    expect(refused.count).toBe(2);
    expect(ack).toMatchObject({ room: "lobby", seq: 1 });
    await waitUntil(() => bob.received.get("lobby")?.length === 1, "bob has it");
    expect(bob.received.get("lobby")?.map(({ message, id }) => [message, id])).toEqual([["through the blip", ack.id]]);
  });

  it("gives up with UNAVAILABLE when the store stays away", async () => {
    const { server, refused } = await relayAway(() => true);
    const alice = await pool.keyed(server.url, "alice", "lobby");
    await expect(alice.client.send("lobby", "never")).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(refused.count).toBeGreaterThan(2);
  });
});

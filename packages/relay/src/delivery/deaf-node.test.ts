import { pino } from "pino";
import { expect, it, onTestFinished } from "vitest";
import {
  deleteKeysWithPrefix,
  describeWithRedis,
  nextEvent,
  record,
  shardSubscribers,
  startTcpProxy,
  testIdentity,
  testKeyPrefix,
  useKeyed,
  useRelay,
  waitUntil,
  type TestServerOptions,
} from "@pigeon/testing";
import { RelayConfig } from "../config.js";
import { createStore } from "../store/create-store.js";

// A node whose own link to Redis drops (a network blip, a proxy restarting) while the other
// nodes and the store go on. Broadcasts published meanwhile reach nobody on it: Redis pub/sub
// keeps nothing for a subscriber that is away. The entries are in the store, so the node
// replays them to its members once its subscriptions are back.

await describeWithRedis("a node that could not hear broadcasts for a while", (redisUrl) => {
  /** Two nodes on one store; the first one's adapter reaches Redis through a link the test cuts. */
  async function nodesWithALink(wrapStore?: TestServerOptions["wrapStore"]) {
    const redisPrefix = testKeyPrefix("deaf-node");
    // Registered before the relays start, so they run after the relays have closed.
    onTestFinished(async () => {
      await deleteKeysWithPrefix(redisUrl, redisPrefix);
    });
    const link = await startTcpProxy(new URL(redisUrl).host);
    onTestFinished(() => link.close());
    // The deaf node's store talks to Redis directly: only its adapter goes through the link.
    const store = await createStore(RelayConfig.parse({ store: "redis", redisUrl, redisPrefix }), pino({ level: "silent" }));
    const deaf = await useRelay({ store: "redis", redisUrl: link.redisUrl, redisPrefix }, { store, ...(wrapStore ? { wrapStore } : {}) });
    const other = await useRelay({ store: "redis", redisPrefix });
    const port = Number(new URL(redisUrl).port);
    const nodesHearing = (room: string) => shardSubscribers([port], `${redisPrefix}:sio#/#${room}#`);
    return { link, deaf, other, nodesHearing };
  }

  /** bob on the deaf node and alice on the other, in lobby, with seq 1 delivered and acked; then the deaf node's link is cut. */
  async function bobMissesAMessage(wrapStore?: TestServerOptions["wrapStore"]) {
    const { link, deaf, other, nodesHearing } = await nodesWithALink(wrapStore);
    const bob = await useKeyed(deaf, testIdentity(), "bob", ["lobby"]);
    const alice = await useKeyed(other, testIdentity(), "alice", ["lobby"]);
    await waitUntil(async () => (await nodesHearing("lobby")) === 2, "both nodes hear lobby");
    expect(await alice.emitWithAck("chat", { room: "lobby", text: "before" })).toMatchObject({ ok: true, data: { seq: 1 } });
    await nextEvent(bob, "message", ({ seq }) => seq === 1);
    expect(await bob.emitWithAck("ack", { room: "lobby", seq: 1 })).toMatchObject({ ok: true });
    const atBob = record(bob, "message");

    link.cut();
    await waitUntil(async () => (await nodesHearing("lobby")) === 1, "only the other node hears lobby");
    const sent = await alice.emitWithAck("chat", { room: "lobby", text: "while bob's node was deaf" });
    expect(sent).toMatchObject({ ok: true, data: { seq: 2 } });
    return { link, alice, bob, atBob, nodesHearing };
  }

  it("replays to its members what their rooms took meanwhile, once it hears again", async () => {
    const { link, alice, bob, atBob, nodesHearing } = await bobMissesAMessage();
    const missed = nextEvent(bob, "message", ({ seq }) => seq === 2, 20_000);
    link.mend();
    expect(await missed).toMatchObject({ room: "lobby", user: "alice", message: "while bob's node was deaf", replayed: true });

    // From bob's cursor on, and heard live again.
    await waitUntil(async () => (await nodesHearing("lobby")) === 2, "both nodes hear lobby again");
    const after = nextEvent(bob, "message", ({ seq }) => seq === 3);
    await alice.emitWithAck("chat", { room: "lobby", text: "after" });
    expect(await after).toMatchObject({ user: "alice", message: "after" });
    expect(atBob.map(({ seq }) => seq)).toEqual([2, 3]);
  });

  it("tries again while its store does not answer yet", async () => {
    // Each Redis client reconnects on its own schedule: the store's may come back later.
    let storeAway = false;
    let refused = 0;
    const { link, bob } = await bobMissesAMessage((inner) => {
      const memberships = inner.memberships.bind(inner);
      inner.memberships = (name) => {
        if (!storeAway) return memberships(name);
        refused += 1;
        return Promise.reject(new Error("Connection is closed."));
      };
      return inner;
    });
    const missed = nextEvent(bob, "message", ({ seq }) => seq === 2, 20_000);
    storeAway = true;
    link.mend();
    await waitUntil(() => refused > 0, "the catch-up asks the store");
    storeAway = false;
    expect(await missed).toMatchObject({ user: "alice", message: "while bob's node was deaf", replayed: true });
  });

  it("sends the other nodes, once it can again, what its members said while it could not", async () => {
    const { link, deaf, other, nodesHearing } = await nodesWithALink();
    const alice = await useKeyed(deaf, testIdentity(), "alice", ["lobby"]);
    const carol = await useKeyed(deaf, testIdentity(), "carol", ["lobby"]);
    const bob = await useKeyed(other, testIdentity(), "bob", ["lobby"]);
    await waitUntil(async () => (await nodesHearing("lobby")) === 2, "both nodes hear lobby");

    link.cut();
    const atCarol = nextEvent(carol, "message", ({ seq }) => seq === 1, 20_000);
    const atBob = nextEvent(bob, "message", ({ seq }) => seq === 1, 20_000);
    const sent = await alice.emitWithAck("chat", { room: "lobby", text: "while alice's node was mute" });
    expect(sent).toMatchObject({ ok: true, data: { seq: 1 } });
    // The publish failed (a member on the same node gets it only then), and is not lost.
    expect(await atCarol).toMatchObject({ user: "alice", message: "while alice's node was mute" });
    link.mend();
    expect(await atBob).toMatchObject({ user: "alice", message: "while alice's node was mute" });
  });
});

import { expect, it } from "vitest";
import {
  describeWithRedisBinaries,
  nextEvent,
  record,
  shardSubscribers,
  testIdentity,
  testKeyPrefix,
  useKeyed,
  useRedisCluster,
  useRelay,
  useShardGate,
  waitUntil,
  type TestServerOptions,
} from "@pigeon/testing";

// deaf-node.test.ts's mute node on a Redis Cluster: a node's publisher keeps one connection per
// shard, and the one to a room's shard drops (and cannot come back for a while) just after a
// member's message went into the store, while the node's other connections (its store's, its
// subscriber's) and the other nodes go on. The Cluster stays "ready" throughout. The message
// reaches the members on that node at once, and those on other nodes once the shard is back.

describeWithRedisBinaries("a node on a Redis Cluster that could not publish on one shard for a while", () => {
  const cluster = useRedisCluster(3);

  it("delivers its members' message on the node at once, and to the other nodes once the shard is back", async () => {
    const redisPrefix = testKeyPrefix("mute-node-cluster");
    const ports = cluster().nodes.map(({ port }) => port);
    const channel = `${redisPrefix}:sio#/#lobby#`;
    const startNode = (options?: TestServerOptions) =>
      useRelay({ store: "redis", redisUrl: cluster().url, redisCluster: true, redisPrefix }, options);

    // Whatever the mute node's store appends next, it appends, then the publisher's connection drops.
    let afterAppend: (() => Promise<void>) | undefined;
    const mute = await startNode({
      wrapStore(inner) {
        const append = inner.append.bind(inner);
        inner.append = async (...args) => {
          const appended = await append(...args);
          const drop = afterAppend;
          afterAppend = undefined;
          await drop?.();
          return appended;
        };
        return inner;
      },
    });
    const alice = await useKeyed(mute, testIdentity(), "alice", ["lobby"]);
    const carol = await useKeyed(mute, testIdentity(), "carol", ["lobby"]);
    await waitUntil(async () => (await shardSubscribers(ports, channel)) === 1, "the mute node hears lobby");
    const shard = await useShardGate(ports, channel);
    // carol hears seq 1 only once it is published: the mute node, alone so far, has then one
    // connection on lobby's shard that published last (its store's run scripts).
    const first = nextEvent(carol, "message", ({ seq }) => seq === 1);
    expect(await alice.emitWithAck("chat", { room: "lobby", text: "first" })).toMatchObject({ ok: true, data: { seq: 1 } });
    await first;
    const mutePublisher = await shard.clientId("normal", / cmd=spublish /);

    // bob, on another node, hears lobby live.
    const bob = await useKeyed(await startNode(), testIdentity(), "bob", ["lobby"]);
    await waitUntil(async () => (await shardSubscribers(ports, channel)) === 2, "both nodes hear lobby");
    const before = nextEvent(bob, "message", ({ seq }) => seq === 2);
    expect(await alice.emitWithAck("chat", { room: "lobby", text: "before" })).toMatchObject({ ok: true, data: { seq: 2 } });
    await before;
    const atBob = record(bob, "message");
    const atCarol = record(carol, "message");

    // The shard turns away new connections for a while (those open go on: the store's, the
    // subscribers', the other node's) and drops the mute node's publisher.
    afterAppend = () => shard.shut(mutePublisher);
    const sent = await alice.emitWithAck("chat", { room: "lobby", text: "while alice's node could not publish on lobby's shard" });
    expect(sent).toMatchObject({ ok: true, data: { seq: 3 } });
    expect(afterAppend).toBeUndefined();
    // The publish failed (a member on the same node gets the message only then), with the shard still away.
    await waitUntil(() => atCarol.length > 0, "carol, on alice's node, gets seq 3 while lobby's shard turns its publisher away");
    expect(atCarol).toEqual([expect.objectContaining({ seq: 3, user: "alice", message: "while alice's node could not publish on lobby's shard" })]);
    expect(await shard.subscribers(channel)).toBe(2);
    expect(atBob).toEqual([]);

    // Published again once the shard takes the mute node's connection: bob hears it live, not
    // at a replay (his node never stopped hearing lobby, so nothing would replay it).
    await shard.open();
    await waitUntil(() => atBob.length > 0, "bob, on another node, hears seq 3 once lobby's shard lets alice's node in again");
    const [late] = atBob;
    expect(late).toMatchObject({ seq: 3, room: "lobby", user: "alice", message: "while alice's node could not publish on lobby's shard" });
    expect(late).not.toHaveProperty("replayed");

    // And what comes next, to both; carol got seq 3 once (the node drops its own broadcasts).
    const after = nextEvent(bob, "message", ({ seq }) => seq === 4);
    await alice.emitWithAck("chat", { room: "lobby", text: "after" });
    expect(await after).toMatchObject({ user: "alice", message: "after" });
    await waitUntil(() => atCarol.some(({ seq }) => seq === 4), "carol hears seq 4");
    expect(atBob.map(({ seq }) => seq)).toEqual([3, 4]);
    expect(atCarol.map(({ seq }) => seq)).toEqual([3, 4]);
  });
});

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
} from "@pigeon/testing";

// deaf-node.test.ts on a Redis Cluster, where a node's subscriber is not one connection but one
// per shard (ioredis's sharded subscribers), each replaced by itself when it drops, while the
// rest of the cluster, and the node's other connections, go on. Broadcasts published on that
// shard before its new connection has subscribed again reach nobody on the node; the node
// replays them to its members from the store once it hears that shard again.

describeWithRedisBinaries("a node on a Redis Cluster that could not hear one shard for a while", () => {
  const cluster = useRedisCluster(3);

  it("replays to its members what their rooms took on that shard meanwhile, once it hears it again", async () => {
    const redisPrefix = testKeyPrefix("deaf-node-cluster");
    const ports = cluster().nodes.map(({ port }) => port);
    const channel = `${redisPrefix}:sio#/#lobby#`;
    const startNode = () => useRelay({ store: "redis", redisUrl: cluster().url, redisCluster: true, redisPrefix });

    // The deaf node first: on lobby's shard, its subscriber connection is then the only one.
    const deaf = await startNode();
    const bob = await useKeyed(deaf, testIdentity(), "bob", ["lobby"]);
    await waitUntil(async () => (await shardSubscribers(ports, channel)) === 1, "the deaf node hears lobby");
    const shard = await useShardGate(ports, channel);
    const deafSubscriber = await shard.clientId("pubsub");

    // alice sends from another node; carol, on a third, shows what went through lobby's shard.
    const alice = await useKeyed(await startNode(), testIdentity(), "alice", ["lobby"]);
    const carol = await useKeyed(await startNode(), testIdentity(), "carol", ["lobby"]);
    await waitUntil(async () => (await shardSubscribers(ports, channel)) === 3, "every node hears lobby");
    expect(await alice.emitWithAck("chat", { room: "lobby", text: "before" })).toMatchObject({ ok: true, data: { seq: 1 } });
    await nextEvent(bob, "message", ({ seq }) => seq === 1);
    expect(await bob.emitWithAck("ack", { room: "lobby", seq: 1 })).toMatchObject({ ok: true });
    const atBob = record(bob, "message");

    // The deaf node's subscriber on lobby's shard drops, and the shard turns away new connections
    // for a while (those already open go on: the other nodes', the stores'), so the node cannot
    // subscribe there again yet, where by itself it would within milliseconds.
    await shard.shut(deafSubscriber);
    const hearing = () => shard.subscribers(channel);
    expect(await hearing()).toBe(2);
    const atCarol = nextEvent(carol, "message", ({ seq }) => seq === 2);
    const sent = await alice.emitWithAck("chat", { room: "lobby", text: "while bob's node did not hear lobby's shard" });
    expect(sent).toMatchObject({ ok: true, data: { seq: 2 } });
    await atCarol;
    expect(await hearing()).toBe(2);
    expect(atBob).toEqual([]);

    const missed = nextEvent(bob, "message", ({ seq }) => seq === 2, 20_000);
    await shard.open();
    await waitUntil(async () => (await shardSubscribers(ports, channel)) === 3, "the deaf node hears lobby again");
    expect(await missed).toMatchObject({ room: "lobby", user: "alice", message: "while bob's node did not hear lobby's shard", replayed: true });

    // From bob's cursor on, and heard live again.
    const after = nextEvent(bob, "message", ({ seq }) => seq === 3);
    await alice.emitWithAck("chat", { room: "lobby", text: "after" });
    expect(await after).toMatchObject({ user: "alice", message: "after" });
    expect(atBob.map(({ seq }) => seq)).toEqual([2, 3]);
  });
});

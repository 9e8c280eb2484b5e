import { Redis } from "ioredis";
import { expect, it, onTestFinished } from "vitest";
import {
  chatUntilTaken,
  describeWithRedisBinaries,
  nextEvent,
  record,
  shardSubscribers,
  testIdentity,
  testKeyPrefix,
  useKeyed,
  useRedisCluster,
  useRelay,
  waitUntil,
  type TestSocket,
} from "@pigeon/testing";
import { KeyLayout } from "../store/redis/keys.js";

// A Redis Cluster with a replica per master, whose master for a room's shard (its keys and its
// channel) dies, SIGKILLed, and is replaced by its replica, elected by the other masters as in an
// operator's cluster. Two nodes, each with a member of the room. While the shard is down the
// store holds or refuses (UNAVAILABLE) the members' sends, which they retry; once the replica
// serves the shard, the store's client, the nodes' subscribers and their publishers must all find
// it. A node's subscriber finds it by itself, and its members get what they missed replayed; its
// publisher kept its connection to the dead master, reconnecting in vain, and reaches the
// promoted replica only by reading the slots again (`slotsRefreshInterval`): without that, what a
// member sends once the other node is caught up never reaches it.

// A publish that failed goes out again within one slot refresh (5 s) after the promotion.
const OTHER_NODE_WAIT_MS = 20_000;

type Received = { readonly seq: number; readonly id: string; readonly user: string; readonly replayed?: boolean };

describeWithRedisBinaries("relay nodes on a Redis Cluster whose master of a room's shard dies and is replaced by its replica", () => {
  const cluster = useRedisCluster(3, { replicas: 1 });

  it("delivers every message accepted during and after the failover to the member on the other node, once, in order", async () => {
    const redisPrefix = testKeyPrefix("cluster-failover");
    const ports = cluster().nodes.map(({ port }) => port);
    const channelOf = (room: string) => `${redisPrefix}:sio#/#${room}#`;

    // A room whose keys and channel are on one shard, so that one master's death takes both away.
    const keys = new KeyLayout(redisPrefix, { cluster: true });
    const admin = new Redis({ port: ports[0], host: "127.0.0.1" });
    onTestFinished(() => {
      admin.disconnect();
    });
    const slotOf = (key: string) => admin.cluster("KEYSLOT", key);
    let room: string | undefined;
    let slot = 0;
    for (let index = 0; room === undefined; index += 1) {
      const candidate = `lobby-${index}`;
      slot = await slotOf(channelOf(candidate));
      const [channelShard, keyShard] = await Promise.all([cluster().shardOf(slot), cluster().shardOf(await slotOf(keys.room(candidate).meta))]);
      if (channelShard.master === keyShard.master) room = candidate;
    }
    admin.disconnect();
    const channel = channelOf(room);

    // Members retry a refused send for as long as the shard is down: not against their rate limit.
    const startNode = () => useRelay({ store: "redis", redisUrl: cluster().url, redisCluster: true, redisPrefix, messagesPerMinute: 100_000 });
    const [nodeA, nodeB] = [await startNode(), await startNode()];
    const alice = await useKeyed(nodeA, testIdentity(), "alice", [room]);
    const bob = await useKeyed(nodeB, testIdentity(), "bob", [room]);
    await waitUntil(async () => (await shardSubscribers(ports, channel)) === 2, "both nodes hear the room");
    const atAlice: Received[] = record(alice, "message");
    const atBob: Received[] = record(bob, "message");

    // Every send is retried under its clientId until the relay takes it; its refusals are gathered.
    const accepted: Received[] = [];
    const refusals = new Set<string>();
    let sends = 0;
    const send = async (member: TestSocket, user: string): Promise<number> => {
      sends += 1;
      const clientId = `failover-${sends}`;
      const taken = await chatUntilTaken(member, { room, text: `message ${clientId}`, clientId });
      for (const code of taken.refusals) refusals.add(code);
      accepted.push({ seq: taken.seq, id: taken.id, user });
      return taken.seq;
    };
    const has = (received: readonly Received[], seq: number) => received.some((message) => message.seq === seq);

    // Messages flow both ways; both members ack them, so a replay later starts after them.
    const first = nextEvent(bob, "message", ({ seq }) => seq === 1);
    expect(await send(alice, "alice")).toBe(1);
    await first;
    const second = nextEvent(alice, "message", ({ seq }) => seq === 2);
    expect(await send(bob, "bob")).toBe(2);
    await second;
    await waitUntil(() => has(atAlice, 1) && has(atBob, 2), "each member has its own message back");
    for (const member of [alice, bob]) expect(await member.emitWithAck("ack", { room, seq: 2 })).toMatchObject({ ok: true });

    // The master serving the room dies; its replica takes over by itself.
    const { master, replicas } = await cluster().shardOf(slot);
    expect(replicas).toHaveLength(1);
    const caughtUp = { alice: record(alice, "caughtUp"), bob: record(bob, "caughtUp") };
    const { promoted } = await cluster().killMaster(master);
    // Each member sends at once, while the shard is down: held or refused until the store reaches the replica.
    const during = Promise.all([send(alice, "alice"), send(bob, "bob")]);
    const replica = await promoted;
    expect(replicas).toContain(replica);
    await during;

    // Both nodes hear the room on the promoted replica again, and have replayed to their members
    // what the room took meanwhile (from the store, on the same replica).
    await waitUntil(async () => (await shardSubscribers([replica.port], channel)) === 2, "both nodes hear the room on the promoted replica");
    await waitUntil(
      () => caughtUp.alice.some((up) => up.room === room) && caughtUp.bob.some((up) => up.room === room),
      "both members are caught up once their nodes hear the room's shard again",
    );
    for (const { seq } of accepted) {
      await waitUntil(() => has(atAlice, seq) && has(atBob, seq), `both members have seq ${seq}, accepted during the failover`, OTHER_NODE_WAIT_MS);
    }

    // From now on nothing replays: what one member sends reaches the other node only through its
    // node's publisher, which must have found the promoted replica.
    for (let round = 0; round < 2; round += 1) {
      for (const [from, user, to, other] of [
        [alice, "alice", atBob, "bob"],
        [bob, "bob", atAlice, "alice"],
      ] as const) {
        const seq = await send(from, user);
        await waitUntil(() => has(to, seq), `${other} gets ${user}'s seq ${seq}, sent after the failover`, OTHER_NODE_WAIT_MS);
      }
    }
    const last = Math.max(...accepted.map(({ seq }) => seq));
    await waitUntil(() => has(atAlice, last) && has(atBob, last), "both members have the last message");

    // Only the store's being away refused anything.
    expect([...refusals].filter((code) => code !== "UNAVAILABLE")).toEqual([]);
    // Each member has every accepted message, once when a replayed copy (which the client drops
    // by seq) is set aside, and no other; what the other member sent comes in seq order.
    const bySeq = [...accepted].sort((a, b) => a.seq - b.seq);
    expect(bySeq.map(({ seq }) => seq)).toEqual(Array.from({ length: bySeq.length }, (_, index) => index + 1));
    for (const [received, self] of [
      [atAlice, "alice"],
      [atBob, "bob"],
    ] as const) {
      const live = received.filter(({ replayed }) => replayed !== true).map(({ seq }) => seq);
      expect(new Set(live).size).toBe(live.length);
      const firsts = received.filter(({ seq }, index) => received.findIndex((message) => message.seq === seq) === index);
      const shown = [...firsts].sort((a, b) => a.seq - b.seq).map(({ seq, id, user }) => ({ seq, id, user }));
      expect(shown).toEqual(bySeq);
      const fromOther = firsts.filter(({ user }) => user !== self).map(({ seq }) => seq);
      expect(fromOther).toEqual([...fromOther].sort((a, b) => a - b));
    }
  });
});

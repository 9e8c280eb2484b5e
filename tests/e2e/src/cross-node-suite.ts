// What several nodes on one Redis must look like to their users: one service. Run against a
// single Redis (multinode.e2e.test.ts) and a Redis Cluster (redis-cluster.e2e.test.ts).
import type { ReceiptsEvent } from "@pigeon/protocol";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { recordByRoom, seqsUpTo } from "@pigeon/testing";
import { nodeClientPool } from "./harness/pool.js";
import { roomHoldings } from "./harness/store-view.js";
import { shows } from "./harness/members.js";
import { startPigeonCluster, type PigeonCluster } from "./harness/pigeon-cluster.js";
import { nextEvent, waitUntil, type RedisTarget } from "@pigeon/testing";

const AWAY_MESSAGES = 200;

/**
 * Registers the cross-node tests on three nodes of `redis()`, each client pinned to one node
 * by its URL (no load balancer), so every assertion crosses nodes on purpose.
 */
export function crossNodeSuite(redis: () => RedisTarget, label: string): () => PigeonCluster {
  let cluster: PigeonCluster | undefined;
  const pool = nodeClientPool();
  beforeAll(async () => {
    cluster = await startPigeonCluster({ redis: redis(), count: 3, label });
  });
  afterEach(() => pool.closeAll());
  afterAll(async () => {
    await cluster?.stop();
  });
  const nodes = () => {
    if (cluster === undefined) throw new Error("the cluster did not start");
    const [a, b, c] = cluster.nodes;
    if (!a || !b || !c) throw new Error("expected three nodes");
    return { a, b, c, cluster };
  };

  it("carries messages, member lists and receipts between clients on different nodes", async () => {
    const { a, b, c, cluster: { redis: target, prefix } } = nodes();
    const alice = await pool.keyed(a.url, "alice", "lobby");
    const bobSeen = nextEvent(alice.client, "members", (e) => shows(e, "lobby", "bob", true));
    const bob = await pool.keyed(b.url, "bob", "lobby");
    await bobSeen;
    const carolSeen = [alice, bob].map((user) => nextEvent(user.client, "members", (e) => shows(e, "lobby", "carol", true)));
    const carol = await pool.keyed(c.url, "carol", "lobby");
    await Promise.all(carolSeen);
    expect([alice, bob, carol].map((user) => user.client.hello?.serverId)).toEqual(["node-a", "node-b", "node-c"]);

    const receipts: ReceiptsEvent[] = [];
    alice.client.on("receipts", (event) => receipts.push(event));
    await alice.client.send("lobby", "from node a");
    await bob.client.send("lobby", "from node b");
    await carol.client.send("lobby", "from node c");
    const expected = [
      { seq: 1, user: "alice", message: "from node a" },
      { seq: 2, user: "bob", message: "from node b" },
      { seq: 3, user: "carol", message: "from node c" },
    ];
    await waitUntil(
      () => [alice, bob, carol].every((user) => user.received.get("lobby")?.length === 3),
      () => "not everyone got the three messages",
      10_000,
    );
    for (const user of [alice, bob, carol]) {
      expect(user.received.get("lobby")?.map(({ seq, user: from, message, replayed }) => ({ seq, user: from, message, replayed }))).toEqual(
        expected.map((entry) => ({ ...entry, replayed: false })),
      );
    }

    // bob (node b) and carol (node c) ack; alice (node a) hears that both have seq 1, then that it is gone.
    await waitUntil(
      () => receipts.some((event) => event.receipts.some((r) => r.seq === 1 && r.delivered === 2 && r.total === 2 && r.deleted)),
      () => `alice's receipts: ${JSON.stringify(receipts)}`,
      10_000,
    );
    await waitUntil(
      async () => (await roomHoldings(target, prefix, ["lobby"]))[0]?.held === 0,
      () => "the store still holds lobby's messages after everyone acked them",
      10_000,
    );

    const carolGone = [alice, bob].map((user) => nextEvent(user.client, "members", (e) => shows(e, "lobby", "carol", false)));
    await carol.client.close();
    await Promise.all(carolGone);
  });

  it("replays on node b, in order and marked replayed, what was sent on node c while a user was away from node a", async () => {
    const { a, b, c, cluster: { redis: target, prefix } } = nodes();
    const erin = await pool.keyed(a.url, "erin", "relay");
    const frank = await pool.keyed(c.url, "frank", "relay");
    const erinAway = nextEvent(frank.client, "members", (e) => shows(e, "relay", "erin", false));
    await erin.client.close();
    await erinAway;
    for (let i = 1; i <= AWAY_MESSAGES; i += 1) await frank.client.send("relay", `while away ${i}`);

    // Listeners before the login: the replay follows its ack at once.
    const back = pool.client(b.url);
    const received = recordByRoom(back);
    const caughtUp = nextEvent(back, "caughtUp", (e) => e.room === "relay");
    await pool.resume(b.url, "erin", erin.key, back);
    expect(back.hello?.serverId).toBe("node-b");
    await expect(caughtUp).resolves.toEqual({ room: "relay", seq: AWAY_MESSAGES, incarnation: expect.any(String) as string });
    const relay = received.get("relay") ?? [];
    expect(relay.map((m) => m.seq)).toEqual(seqsUpTo(AWAY_MESSAGES));
    expect(relay.map((m) => m.message)).toEqual(seqsUpTo(AWAY_MESSAGES).map((i) => `while away ${i}`));
    expect(relay.every((m) => m.replayed && m.user === "frank")).toBe(true);

    await waitUntil(
      async () => {
        const [holdings] = await roomHoldings(target, prefix, ["relay"]);
        return holdings?.latestSeq === AWAY_MESSAGES && holdings.held === 0;
      },
      () => "the store still holds relay's messages after erin acked them",
      10_000,
    );
  });
  return () => nodes().cluster;
}

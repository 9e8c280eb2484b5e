// One node cut off from Redis (a network partition) while the other goes on, longer than the
// three heartbeats after which the other takes it for dead; then the link comes back. Real
// server processes, SDK clients, the test Redis behind a TCP proxy for node a only.
import { afterAll, beforeAll, expect, it } from "vitest";
import { deleteKeysWithPrefix, describeWithRedis, nextEvent, startTcpProxy, testKeyPrefix, waitUntil, type KeyedUser, type TcpProxy } from "@pigeon/testing";
import { nodeClientPool } from "./harness/pool.js";
import { HEARTBEAT_INTERVAL_MS } from "./harness/pigeon-cluster.js";
import { startPigeonNode, type PigeonNode } from "./harness/pigeon-node.js";

/** Longer than the 3 missed heartbeats after which a silent node is presumed dead. */
const PARTITION_MS = HEARTBEAT_INTERVAL_MS * 6;
const SENT_DURING = 3;

await describeWithRedis("a node partitioned from Redis while the other goes on", (redisUrl) => {
  const pool = nodeClientPool();
  const prefix = testKeyPrefix("partition");
  let link: TcpProxy | undefined;
  const nodes: PigeonNode[] = [];
  afterAll(async () => {
    await pool.closeAll();
    await Promise.all(nodes.map((node) => node.kill("SIGTERM")));
    await link?.close();
    await deleteKeysWithPrefix(redisUrl, prefix);
  });
  let cast: { a: PigeonNode; b: PigeonNode; alice: KeyedUser; bob: KeyedUser; gusStates: string[] } | undefined;
  const story = () => {
    if (cast === undefined || link === undefined) throw new Error("the story did not start");
    return { ...cast, link };
  };

  beforeAll(async () => {
    link = await startTcpProxy(new URL(redisUrl).host);
    const env = { PIGEON_STORE: "redis", PIGEON_REDIS_PREFIX: prefix, PIGEON_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_INTERVAL_MS) };
    const [a, b] = await Promise.all([
      startPigeonNode({ id: "node-a", env: { ...env, REDIS_URL: link.redisUrl } }),
      startPigeonNode({ id: "node-b", env: { ...env, REDIS_URL: redisUrl } }),
    ]);
    nodes.push(a, b);
    const bob = await pool.keyed(a.url, "bob", "lobby");
    const alice = await pool.keyed(b.url, "alice", "lobby");
    const gus = pool.client(a.url);
    await gus.connect();
    await gus.login("gus");
    const gusStates: string[] = [];
    gus.on("state", (state) => gusStates.push(state));
    cast = { a, b, alice, bob, gusStates };
  });

  it("refuses sends on the cut-off node with UNAVAILABLE while the other node carries on", async () => {
    const { a, alice, bob, link } = story();
    await alice.client.send("lobby", "before");
    await waitUntil(() => bob.received.get("lobby")?.length === 1, "bob gets the first message");
    link.cut();
    await waitUntil(async () => (await a.health()).status === 503, "node a says it is unavailable");
    await expect(bob.client.send("lobby", "from the cut-off node")).rejects.toMatchObject({ code: "UNAVAILABLE" });
    for (let i = 1; i <= SENT_DURING; i += 1) await alice.client.send("lobby", `during ${i}`);
    // The partition's length is the scenario, not a guess at when something is done.
    await new Promise((resolve) => setTimeout(resolve, PARTITION_MS));
  });

  it("gives the names of the cut-off node's users to no one but them again once it is back", async () => {
    const { a, b, link, gusStates } = story();
    link.mend();
    await waitUntil(async () => (await a.health()).status === 200, "node a is healthy again");
    // Node b took node a for dead and freed gus's name; node a closes its connections when it
    // learns that, and gus's SDK reconnects and logs in again by itself.
    await waitUntil(() => gusStates.includes("reconnecting") && gusStates.at(-1) === "connected", () => `gus went ${gusStates.join(" → ")}`);
    const taker = pool.client(b.url);
    await taker.connect();
    await expect(taker.login("gus"), "a guest taking the name of gus, who is connected").rejects.toMatchObject({ code: "NAME_TAKEN" });
  });

  it("delivers to the cut-off node's member what the room took meanwhile, once each and in order", async () => {
    const { alice, bob } = story();
    const expected = ["before", ...Array.from({ length: SENT_DURING }, (_, i) => `during ${i + 1}`)];
    await waitUntil(
      () => bob.received.get("lobby")?.length === expected.length,
      () => `bob has ${JSON.stringify(bob.received.get("lobby")?.map((m) => m.message))}`,
    );
    expect(bob.received.get("lobby")?.map((m) => m.message)).toEqual(expected);
    const heard = nextEvent(alice.client, "message", (m) => m.message === "from bob, back");
    await bob.client.send("lobby", "from bob, back");
    await heard;
  });
});

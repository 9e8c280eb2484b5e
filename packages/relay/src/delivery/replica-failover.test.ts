import { Redis } from "ioredis";
import { expect, it, onTestFinished } from "vitest";
import {
  chatUntilTaken,
  describeWithRedisBinaries,
  nextEvent,
  record,
  startRedisServer,
  startTcpProxy,
  testIdentity,
  useKeyed,
  useRelay,
  waitUntil,
  type TestSocket,
} from "@pigeon/testing";

// A managed Redis (one primary and a replica behind one DNS name) fails over by promoting the
// replica, demoting the old primary to a replica of it, and moving the name. Connections open
// to the old primary stay open: writes there get READONLY, and what is published there reaches
// only the subscribers connected there. Here the name is a TCP proxy the test moves.

describeWithRedisBinaries("a relay whose Redis fails over behind one address", () => {
  async function redisPair() {
    const primary = await startRedisServer();
    const replica = await startRedisServer({ args: ["--replicaof", "127.0.0.1", `${primary.port}`] });
    const admin = [new Redis(primary.url), new Redis(replica.url)] as const;
    const name = await startTcpProxy(`127.0.0.1:${primary.port}`);
    onTestFinished(async () => {
      await name.close();
      for (const client of admin) client.disconnect();
      await Promise.all([primary.stop(), replica.stop()]);
    });
    await waitUntil(async () => (await admin[1].info("replication")).includes("master_link_status:up"), "the replica follows the primary");
    return { name, primary, replica, admin };
  }

  /** Sends under one clientId until the relay takes it: refusals meanwhile must say the store is away. */
  async function sendUntilTaken(socket: TestSocket, text: string, clientId: string): Promise<number> {
    const { seq, refusals } = await chatUntilTaken(socket, { room: "lobby", text, clientId });
    expect([...refusals].filter((code) => code !== "UNAVAILABLE")).toEqual([]);
    return seq;
  }

  it("reconnects to the promoted replica: every node takes messages again and hears the others", async () => {
    const { name, primary, replica, admin } = await redisPair();
    // Refused sends count against the sender's rate limit: this test retries every few milliseconds.
    const config = { store: "redis", redisUrl: name.redisUrl, redisPrefix: "failover", heartbeatIntervalMs: 100, messagesPerMinute: 100_000 } as const;
    const [one, two] = [await useRelay(config), await useRelay(config)];
    const alice = await useKeyed(one, testIdentity(), "alice", ["lobby"]);
    const bob = await useKeyed(two, testIdentity(), "bob", ["lobby"]);
    const first = nextEvent(bob, "message", ({ message }) => message === "before");
    expect(await alice.emitWithAck("chat", { room: "lobby", text: "before", clientId: "client-before" })).toMatchObject({ ok: true });
    await first;
    // Acknowledged writes are on the replica before it is promoted, as a managed failover waits.
    await admin[0].wait(1, 5_000);

    await admin[1].replicaof("NO", "ONE");
    await admin[0].replicaof("127.0.0.1", replica.port);
    name.retarget(`127.0.0.1:${replica.port}`);
    expect(primary.port).not.toBe(replica.port);
    // A node started now reaches only the new primary: it hears the others only if they
    // publish there too, not to the old primary their connections were open to.
    const three = await useRelay(config);
    const carol = await useKeyed(three, testIdentity(), "carol", ["lobby"]);

    const [atBob, atCarol, atAlice] = [record(bob, "message"), record(carol, "message"), record(alice, "message")];
    const seq = await sendUntilTaken(alice, "after the failover", "client-after");
    for (const [name, seen] of [["bob", atBob], ["carol", atCarol]] as const) {
      await waitUntil(() => seen.some(({ message }) => message === "after the failover"), `${name}, on another node, gets alice's message`);
    }
    const reply = await sendUntilTaken(carol, "heard you", "client-reply");
    await waitUntil(() => atAlice.some(({ message }) => message === "heard you"), "alice gets carol's reply");
    expect(reply).toBeGreaterThan(seq);
    for (const seen of [atBob, atCarol]) expect(seen.filter(({ message }) => message === "after the failover")).toHaveLength(1);
    expect(atAlice.filter(({ message }) => message === "heard you")).toHaveLength(1);
  });
});

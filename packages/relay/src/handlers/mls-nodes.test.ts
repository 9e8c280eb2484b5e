import { expect, it, onTestFinished } from "vitest";
import { createRoomGroup, deleteKeysWithPrefix, describeWithRedis, joinRoomGroup, nextEvent, testKeyPrefix, useMlsMember, useRelay } from "@pigeon/testing";

await describeWithRedis("encrypted rooms across relay nodes", (redisUrl) => {
  it("makes a commit accepted on one node the epoch on every node", async () => {
    const redisPrefix = testKeyPrefix("mls-nodes");
    // Registered before the relays start, so it runs after they have closed.
    onTestFinished(async () => {
      await deleteKeysWithPrefix(redisUrl, redisPrefix);
    });
    const [east, west] = await Promise.all([useRelay({ store: "redis", redisPrefix }), useRelay({ store: "redis", redisPrefix })]);
    const alice = await useMlsMember(east, "alice", ["team"]);
    await createRoomGroup(alice, "team");
    const [bob, carol] = await Promise.all([useMlsMember(west, "bob", ["team"]), useMlsMember(east, "carol", ["team"])]);
    // Both fetch the epoch-0 GroupInfo first, then commit on different nodes: one wins everywhere.
    const seenByAlice = nextEvent(alice.socket, "message", ({ mls }) => mls === "commit");
    const answers = await Promise.all([joinRoomGroup(bob, "team"), joinRoomGroup(carol, "team")]);
    expect(answers.map(({ ack }) => (ack.ok ? "ok" : ack.error.code)).sort()).toEqual(["STALE_EPOCH", "ok"]);
    expect((await seenByAlice).epoch).toBe(0);
    for (const member of [alice, bob, carol]) {
      expect(await member.socket.emitWithAck("groupInfo", { room: "team" })).toMatchObject({ ok: true, data: { epoch: 1, seq: 1 } });
    }
    // A removal made pending on one node reaches the members on the other.
    const winner = answers.findIndex(({ ack }) => ack.ok) === 0 ? bob : carol;
    const status = nextEvent(alice.socket, "groupStatus");
    await winner.socket.emitWithAck("leave", { room: "team" });
    expect(await status).toMatchObject({ epoch: 1, pending: [{ leaf: 1, name: winner.name }] });
  });
});

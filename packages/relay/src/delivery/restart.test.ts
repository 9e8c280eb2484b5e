import { expect, it, onTestFinished } from "vitest";
import { deleteKeysWithPrefix, testKeyPrefix } from "@pigeon/testing";
import { record, greeting, nextEvent, describeWithRedis, testIdentity, useKeyed, useRelay, useSocket } from "@pigeon/testing";

await describeWithRedis("a relay restarted on the same Redis", (redisUrl) => {
  it("loses nothing between a send and the member's return", async () => {
    const redisPrefix = testKeyPrefix("restart");
    // Registered before the relays start, so it runs after they have closed.
    onTestFinished(async () => {
      await deleteKeysWithPrefix(redisUrl, redisPrefix);
    });
    const bob = testIdentity();
    const first = await useRelay({ store: "redis", redisPrefix });
    const alice = await useKeyed(first, testIdentity(), "alice", ["lobby"]);
    (await useKeyed(first, bob, "bob", ["lobby"])).disconnect();
    await nextEvent(alice, "memberChanges", ({ changes }) => changes.some((m) => m.name === "bob" && !m.online));
    let before: string | undefined;
    for (const text of ["sent", "before", "restart"]) {
      const sent = await alice.emitWithAck("chat", { room: "lobby", text });
      before = sent.ok ? sent.data.incarnation : undefined;
    }
    await first.close();

    const second = await useRelay({ store: "redis", redisPrefix });
    const back = await useSocket(second);
    const messages = record(back, "message");
    const caughtUp = nextEvent(back, "caughtUp");
    const login = await back.emitWithAck("login", bob.loginPayload("bob", greeting(back)));
    expect(login).toMatchObject({ ok: true, data: { rooms: [{ room: "lobby", acked: 0 }] } });
    // The same Redis: the room keeps its incarnation, and the cursor still means what it did.
    expect(before).toBeTypeOf("string");
    expect(login).toMatchObject({ ok: true, data: { rooms: [{ incarnation: before }] } });
    expect(await caughtUp).toEqual({ room: "lobby", seq: 3, incarnation: before });
    expect(messages.map(({ message, replayed }) => [message, replayed])).toEqual([
      ["sent", true],
      ["before", true],
      ["restart", true],
    ]);
    // The name is still held by bob's key across the restart.
    const impostor = await useSocket(second);
    expect(await impostor.emitWithAck("login", "bob")).toMatchObject({ ok: false, error: { code: "NAME_TAKEN" } });
  });
});

import { expect, it, onTestFinished } from "vitest";
import {
  deleteKeysWithPrefix,
  describeEachStore,
  describeWithRedis,
  greeting,
  nextEvent,
  record,
  testIdentity,
  testKeyPrefix,
  useKeyed,
  useMember,
  useRelay,
  useSocket,
} from "@pigeon/testing";

describeEachStore("quotas", (store) => {
  it("holds one key to its room limit over all its connections", async () => {
    const server = await useRelay({ store, maxRoomsPerIdentity: 5 });
    const alice = testIdentity();
    const connections = [await useKeyed(server, alice, "alice"), await useKeyed(server, alice, "alice"), await useKeyed(server, alice, "alice")];
    const codes: string[] = [];
    for (let index = 0; index < 8; index += 1) {
      const joined = await connections[index % 3]?.emitWithAck("join", `room-${index}`);
      codes.push(joined?.ok === true ? "ok" : (joined?.error.code ?? "none"));
    }
    expect(codes).toEqual(["ok", "ok", "ok", "ok", "ok", "QUOTA_EXCEEDED", "QUOTA_EXCEEDED", "QUOTA_EXCEEDED"]);
    // A guest elsewhere is not held to alice's count.
    const bob = await useMember(server, "bob");
    expect(await bob.emitWithAck("join", "room-7")).toMatchObject({ ok: true });
  });

  it("never lets a guest flooding a room push out what another sent for an absent member", async () => {
    const server = await useRelay({ store, maxRoomEntries: 6 });
    const bob = testIdentity();
    const away = await useKeyed(server, bob, "bob", ["lobby"]);
    away.close();
    const carol = await useMember(server, "carol", ["lobby"]);
    for (const text of ["for bob 1", "for bob 2"]) expect(await carol.emitWithAck("chat", { room: "lobby", text })).toMatchObject({ ok: true });
    const flood = await useMember(server, "flood", ["lobby"]);
    for (let index = 0; index < 20; index += 1) {
      expect(await flood.emitWithAck("chat", { room: "lobby", text: `flood ${String(index)}` })).toMatchObject({ ok: true });
    }

    const back = await useSocket(server);
    const replayed = record(back, "message");
    const caughtUp = nextEvent(back, "caughtUp");
    expect(await back.emitWithAck("login", bob.loginPayload("bob", greeting(back)))).toMatchObject({ ok: true });
    await caughtUp;
    expect(replayed.filter(({ user }) => user === "carol").map(({ message }) => message)).toEqual(["for bob 1", "for bob 2"]);
    // The flood kept its own share (half of 6), its newest.
    expect(replayed.filter(({ user }) => user === "flood").map(({ message }) => message)).toEqual(["flood 17", "flood 18", "flood 19"]);
  });
});

await describeWithRedis("the held budget of a deployment", (redisUrl) => {
  it("holds across two relay nodes on one Redis", async () => {
    const redisPrefix = testKeyPrefix("budget");
    onTestFinished(async () => {
      await deleteKeysWithPrefix(redisUrl, redisPrefix);
    });
    // Three messages of 3,000 bytes fit (each counts about 3,500 with its overhead); a fourth does not.
    const config = { store: "redis", redisUrl, redisPrefix, maxHeldBytes: 12_000 } as const;
    const [nodeA, nodeB] = [await useRelay(config), await useRelay(config)];
    const away = await useKeyed(nodeA, testIdentity(), "bob", ["a", "b"]);
    away.close();
    const text = "t".repeat(3_000);
    const carol = await useMember(nodeA, "carol", ["a"]);
    const dave = await useMember(nodeB, "dave", ["b"]);
    expect(await carol.emitWithAck("chat", { room: "a", text })).toMatchObject({ ok: true });
    expect(await dave.emitWithAck("chat", { room: "b", text })).toMatchObject({ ok: true });
    expect(await carol.emitWithAck("chat", { room: "a", text })).toMatchObject({ ok: true });
    expect(await dave.emitWithAck("chat", { room: "b", text })).toMatchObject({ ok: false, error: { code: "QUOTA_EXCEEDED" } });
    expect(await carol.emitWithAck("chat", { room: "a", text })).toMatchObject({ ok: false, error: { code: "QUOTA_EXCEEDED" } });
    expect(await nodeB.relay.context.store.usage()).toMatchObject({ entries: 3 });
  });
});

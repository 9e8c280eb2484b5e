import { MAX_ROOMS_PER_CONNECTION } from "@pigeon/protocol";
import { describe, expect, it } from "vitest";
import { record, nextEvent, useMember, useRelay } from "@pigeon/testing";

describe("join and leave", () => {
  it("answers with the member list, and tells the room only the change", async () => {
    // Flushed at once, so that Alice's own join has gone out before Bob comes.
    const server = await useRelay({ memberIntervalMs: 0 });
    const alice = await useMember(server, "alice");
    const ownJoin = nextEvent(alice, "memberChanges");
    await alice.emitWithAck("join", "lobby");
    await ownJoin;
    const told = nextEvent(alice, "memberChanges");
    const bob = await useMember(server, "bob");
    const listed = nextEvent(bob, "members");
    const joined = await bob.emitWithAck("join", { room: "lobby" });
    const members = [
      { name: "alice", online: true },
      { name: "bob", online: true },
    ];
    expect(joined).toEqual({ ok: true, data: { room: "lobby", mode: "plain", members, seq: 0 } });
    expect(await listed).toEqual({ room: "lobby", members, mode: "plain" });
    expect(await told).toEqual({ room: "lobby", changes: [{ name: "bob", online: true }] });
  });

  it("gathers a room's changes into one event, each name's state as of the flush", async () => {
    const server = await useRelay({ memberIntervalMs: 500 });
    const alice = await useMember(server, "alice", ["lobby"]);
    const told = record(alice, "memberChanges");
    const bob = await useMember(server, "bob", ["lobby"]);
    await useMember(server, "carol", ["lobby"]);
    // Within one interval of Alice's own join: Bob joins, Carol joins, Bob leaves, Dave joins.
    // A name marked again moves to the end; Alice hears her own join too (harmless to apply).
    await bob.emitWithAck("leave", "lobby");
    const dave = await useMember(server, "dave", ["lobby"]);
    await nextEvent(dave, "memberChanges");
    expect(told).toEqual([
      {
        room: "lobby",
        changes: [
          { name: "alice", online: true },
          { name: "carol", online: true },
          { name: "bob", online: false, left: true },
          { name: "dave", online: true },
        ],
      },
    ]);
  });

  it("lets one connection be in several rooms", async () => {
    const server = await useRelay();
    const alice = await useMember(server, "alice", ["a", "b"]);
    const bob = await useMember(server, "bob", ["a"]);
    const carol = await useMember(server, "carol", ["b"]);
    const atBob = nextEvent(bob, "message");
    const atCarol = nextEvent(carol, "message");
    await alice.emitWithAck("chat", { room: "a", text: "to a" });
    await alice.emitWithAck("chat", { room: "b", text: "to b" });
    expect(await atBob).toMatchObject({ room: "a", message: "to a" });
    expect(await atCarol).toMatchObject({ room: "b", message: "to b" });
  });

  it("tells those who stay when someone leaves or disconnects", async () => {
    const server = await useRelay();
    const alice = await useMember(server, "alice", ["lobby"]);
    const bob = await useMember(server, "bob", ["lobby"]);
    const carol = await useMember(server, "carol", ["lobby"]);

    const gone = (name: string) =>
      nextEvent(alice, "memberChanges", ({ changes }) => changes.some((change) => change.name === name && change.left === true));
    const afterLeave = gone("bob");
    expect(await bob.emitWithAck("leave", "lobby")).toEqual({ ok: true, data: { room: "lobby" } });
    expect((await afterLeave).changes).toContainEqual({ name: "bob", online: false, left: true });

    const afterDisconnect = gone("carol");
    carol.disconnect();
    expect((await afterDisconnect).changes).toContainEqual({ name: "carol", online: false, left: true });
  });

  it("stops delivering a room's messages after leaving it", async () => {
    const server = await useRelay();
    const alice = await useMember(server, "alice", ["lobby", "side"]);
    const bob = await useMember(server, "bob", ["lobby", "side"]);
    await bob.emitWithAck("leave", "lobby");
    const next = nextEvent(bob, "message");
    await alice.emitWithAck("chat", { room: "lobby", text: "gone" });
    await alice.emitWithAck("chat", { room: "side", text: "here" });
    expect(await next).toMatchObject({ room: "side", message: "here" });
    expect(await bob.emitWithAck("leave", "lobby")).toMatchObject({ ok: false, error: { code: "NOT_IN_ROOM" } });
  });

  it(`caps a connection at ${MAX_ROOMS_PER_CONNECTION} rooms`, async () => {
    const server = await useRelay();
    const rooms = Array.from({ length: MAX_ROOMS_PER_CONNECTION }, (_, index) => `room-${index}`);
    const alice = await useMember(server, "alice", rooms);
    expect(await alice.emitWithAck("join", "one-too-many")).toMatchObject({ ok: false, error: { code: "QUOTA_EXCEEDED" } });
    expect(await alice.emitWithAck("join", "room-0")).toMatchObject({ ok: true });
  });
});

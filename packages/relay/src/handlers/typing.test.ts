import { describe, expect, it } from "vitest";
import { record, nextEvent, untyped, useMember, useRelay } from "@pigeon/testing";

describe("typing", () => {
  it("tells the room's others, not the typist, and passes on at most one per interval", async () => {
    let now = 0;
    const server = await useRelay({}, { clock: () => now });
    const alice = await useMember(server, "alice", ["lobby"]);
    const bob = await useMember(server, "bob", ["lobby"]);
    const atAlice = record(alice, "typing");
    const atBob = record(bob, "typing");
    expect(await alice.emitWithAck("typing", { room: "lobby" })).toEqual({ ok: true, data: { room: "lobby" } });
    for (let index = 0; index < 5; index += 1) await alice.emitWithAck("typing", { room: "lobby" });
    now += 2_000;
    const second = nextEvent(bob, "typing");
    await alice.emitWithAck("typing", { room: "lobby" });
    await second;
    // A chat after the typing events flushes the order: bob has seen everything alice sent.
    const marker = nextEvent(bob, "message");
    await alice.emitWithAck("chat", "done");
    await marker;
    expect(atBob).toEqual([
      { room: "lobby", user: "alice" },
      { room: "lobby", user: "alice" },
    ]);
    expect(atAlice).toEqual([]);
  });

  it("refuses typing in a room not joined, and bad payloads", async () => {
    const server = await useRelay();
    const alice = await useMember(server, "alice", ["lobby"]);
    expect(await alice.emitWithAck("typing", { room: "elsewhere" })).toMatchObject({ ok: false, error: { code: "NOT_IN_ROOM" } });
    expect(await untyped(alice).emitWithAck("typing", "lobby")).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
  });
});

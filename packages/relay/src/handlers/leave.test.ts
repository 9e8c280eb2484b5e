import { describeEachStore, nextEvent, record, testIdentity, useKeyed, useRelay } from "@pigeon/testing";
import { expect, it } from "vitest";

describeEachStore("leave on one of several devices", (store) => {
  it("takes every connection of the identity out of the room: sending, receiving and presence", async () => {
    const server = await useRelay({ store, memberIntervalMs: 0 });
    const alice = testIdentity();
    const phone = await useKeyed(server, alice, "alice", ["lobby"]);
    const laptop = await useKeyed(server, alice, "alice", ["lobby"]);
    const bob = await useKeyed(server, testIdentity(), "bob", ["lobby"]);

    const gone = nextEvent(bob, "memberChanges", ({ changes }) => changes.some((change) => change.name === "alice" && change.left === true));
    expect(await phone.emitWithAck("leave", "lobby")).toEqual({ ok: true, data: { room: "lobby" } });
    await gone;

    // The laptop is out too: it cannot post, and hears nothing more from the room.
    const atLaptop = record(laptop, "message");
    expect(await laptop.emitWithAck("chat", { room: "lobby", text: "still here?" })).toMatchObject({ ok: false, error: { code: "NOT_IN_ROOM" } });
    expect(await laptop.emitWithAck("chat", "a bare text")).toMatchObject({ ok: false, error: { code: "NOT_IN_ROOM" } });
    const sent = await bob.emitWithAck("chat", { room: "lobby", text: "after alice left" });
    expect(sent).toMatchObject({ ok: true });
    // Nobody is shown online who is not in the room.
    const rejoined = await bob.emitWithAck("join", "lobby");
    expect(rejoined).toMatchObject({ ok: true, data: { members: [{ name: "bob", online: true }] } });
    expect(atLaptop).toEqual([]);

    // Joining again from the laptop works as a fresh join: in the room, present, and receiving.
    const back = await laptop.emitWithAck("join", "lobby");
    expect(back).toMatchObject({ ok: true, data: { members: [{ name: "alice", online: true }, { name: "bob", online: true }] } });
    const arrives = nextEvent(laptop, "message", ({ message }) => message === "welcome back");
    await bob.emitWithAck("chat", { room: "lobby", text: "welcome back" });
    expect(await arrives).toMatchObject({ user: "bob", room: "lobby" });
  });
});

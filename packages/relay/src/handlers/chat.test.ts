import { describe, expect, it } from "vitest";
import { record, nextEvent, untyped, useMember, useRelay } from "@pigeon/testing";

describe("chat", () => {
  it("acks with the room, id, seq and time, and delivers the same to the whole room", async () => {
    const server = await useRelay();
    const alice = await useMember(server, "alice", ["lobby"]);
    const bob = await useMember(server, "bob", ["lobby"]);
    const atAlice = nextEvent(alice, "message");
    const atBob = nextEvent(bob, "message");
    const before = Date.now();
    const ack = await alice.emitWithAck("chat", { room: "lobby", text: "hello" });
    if (!ack.ok) throw new Error(ack.error.message);
    expect(ack.data).toMatchObject({ room: "lobby", seq: 1 });
    expect(ack.data.sentAt).toBeGreaterThanOrEqual(before);
    const delivered = { user: "alice", message: "hello", ...ack.data };
    expect(await atBob).toEqual(delivered);
    expect(await atAlice).toEqual(delivered);
  });

  it("answers a retry of a client id with the original, storing and broadcasting nothing more", async () => {
    const server = await useRelay();
    const alice = await useMember(server, "alice", ["lobby"]);
    const bob = await useMember(server, "bob", ["lobby"]);
    const seen = record(bob, "message");
    const clientId = "0b9f1c3e-8d4a-4f6b-9a27-5c1d2e3f4a5b";
    const first = await alice.emitWithAck("chat", { room: "lobby", text: "once", clientId });
    const retry = await alice.emitWithAck("chat", { room: "lobby", text: "once", clientId });
    expect(retry).toEqual(first);
    // Another sender may use the same id: it names its own message.
    const other = await bob.emitWithAck("chat", { room: "lobby", text: "mine", clientId });
    expect(other).toMatchObject({ ok: true, data: { seq: 2 } });
    const barrier = nextEvent(bob, "message", ({ message }) => message === "barrier");
    await alice.emitWithAck("chat", { room: "lobby", text: "barrier" });
    await barrier;
    expect(seen.map(({ message, clientId: echoed }) => [message, echoed])).toEqual([
      ["once", clientId],
      ["mine", clientId],
      ["barrier", undefined],
    ]);
  });

  it("refuses a malformed client id as a bad request", async () => {
    const server = await useRelay();
    const alice = await useMember(server, "alice", ["lobby"]);
    expect(await alice.emitWithAck("chat", { room: "lobby", text: "x", clientId: "no spaces allowed" })).toMatchObject({
      ok: false,
      error: { code: "BAD_REQUEST", message: expect.stringMatching(/clientId/) },
    });
  });

  it("sends a bare string to the room joined last", async () => {
    const server = await useRelay();
    const alice = await useMember(server, "alice", ["first", "second"]);
    expect(await alice.emitWithAck("chat", "where?")).toMatchObject({ ok: true, data: { room: "second" } });
    await alice.emitWithAck("join", "first");
    expect(await alice.emitWithAck("chat", "now?")).toMatchObject({ ok: true, data: { room: "first" } });
    await alice.emitWithAck("leave", "first");
    expect(await alice.emitWithAck("chat", "after leave")).toMatchObject({ ok: true, data: { room: "second" } });
  });

  it("numbers each room's messages from 1 without gaps, in the order everyone sees", async () => {
    const server = await useRelay();
    const alice = await useMember(server, "alice", ["lobby", "other"]);
    const bob = await useMember(server, "bob", ["lobby"]);
    const seen = record(bob, "message");
    for (let index = 0; index < 50; index += 1) {
      untyped(alice).emit("chat", { room: "lobby", text: `a${index}` });
      untyped(bob).emit("chat", { room: "lobby", text: `b${index}` });
    }
    await alice.emitWithAck("chat", { room: "other", text: "elsewhere" });
    const done = nextEvent(bob, "message", ({ message }) => message === "done");
    const last = await bob.emitWithAck("chat", { room: "lobby", text: "done" });
    expect(last).toMatchObject({ ok: true, data: { seq: 101 } });
    await done;
    expect(seen.map((message) => message.seq)).toEqual(Array.from({ length: 101 }, (_, index) => index + 1));
    expect(seen.filter((message) => message.user === "alice").map((message) => message.message)).toEqual(
      Array.from({ length: 50 }, (_, index) => `a${index}`),
    );
  });
});

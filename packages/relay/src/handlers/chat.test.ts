import { describe, expect, it } from "vitest";
import { record, nextEvent, untyped, useMember, useRelay, waitUntil } from "@pigeon/testing";

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

  describe("without an ack callback but with a client id (protocol 6)", () => {
    it("answers with the sender's echo, which carries everything an ack would", async () => {
      const server = await useRelay();
      const alice = await useMember(server, "alice", ["lobby"]);
      const bob = await useMember(server, "bob", ["lobby"]);
      const clientId = "echo-answered-1";
      const atAlice = nextEvent(alice, "message", (message) => message.clientId === clientId);
      const atBob = nextEvent(bob, "message");
      untyped(alice).emit("chat", { room: "lobby", text: "hello", clientId });
      const echo = await atAlice;
      expect(echo).toMatchObject({ user: "alice", message: "hello", room: "lobby", seq: 1, clientId });
      expect(echo).toEqual(expect.objectContaining({ id: expect.any(String), incarnation: expect.any(String), sentAt: expect.any(Number) }));
      expect(await atBob).toEqual(echo);
    });

    it("echoes a retry the relay has seen to its sender alone, with the original's place", async () => {
      const server = await useRelay();
      const alice = await useMember(server, "alice", ["lobby"]);
      const bob = await useMember(server, "bob", ["lobby"]);
      const atBob = record(bob, "message");
      const clientId = "echo-answered-2";
      const first = await alice.emitWithAck("chat", { room: "lobby", text: "once", clientId });
      if (!first.ok) throw new Error(first.error.message);
      const again = nextEvent(alice, "message", (message) => message.clientId === clientId);
      untyped(alice).emit("chat", { room: "lobby", text: "once", clientId });
      expect(await again).toMatchObject({ ...first.data, user: "alice", message: "once", clientId });
      const barrier = nextEvent(bob, "message", ({ message }) => message === "barrier");
      await alice.emitWithAck("chat", { room: "lobby", text: "barrier" });
      await barrier;
      expect(atBob.map(({ message }) => message)).toEqual(["once", "barrier"]);
    });

    it("refuses with an error event that names the client id, and changes nothing", async () => {
      const server = await useRelay();
      const alice = await useMember(server, "alice", ["lobby"]);
      const refused = nextEvent(alice, "error");
      untyped(alice).emit("chat", { room: "elsewhere", text: "hello", clientId: "echo-refused-1" });
      expect(await refused).toMatchObject({ event: "chat", code: "NOT_IN_ROOM", clientId: "echo-refused-1" });
      // A payload that fails its schema still names a well-formed client id.
      const malformed = nextEvent(alice, "error");
      untyped(alice).emit("chat", { room: "lobby", text: "", clientId: "echo-refused-2" });
      expect(await malformed).toMatchObject({ event: "chat", code: "BAD_REQUEST", clientId: "echo-refused-2" });
      // A malformed client id is not echoed back.
      const unnamed = nextEvent(alice, "error");
      untyped(alice).emit("chat", { room: "lobby", text: "x", clientId: "no spaces allowed" });
      expect(await unnamed).not.toHaveProperty("clientId");
      expect(await alice.emitWithAck("chat", { room: "lobby", text: "first kept" })).toMatchObject({ ok: true, data: { seq: 1 } });
    });

    it("names the client id when the connection's event rate refuses it", async () => {
      // Login and join take two of three tokens; the rest come at one a second.
      const server = await useRelay({ eventsPerSecond: 1, eventBurst: 3 });
      const alice = await useMember(server, "alice", ["lobby"]);
      const errors = record(alice, "error");
      const sent = Array.from({ length: 20 }, (_, index) => `rate-limited-${String(index).padStart(2, "0")}`);
      for (const clientId of sent) untyped(alice).emit("chat", { room: "lobby", text: "x", clientId });
      await waitUntil(() => errors.length > 0, "a refusal");
      expect(errors[0]).toMatchObject({ event: "chat", code: "RATE_LIMITED", retryAfterMs: expect.any(Number) });
      expect(sent).toContain(errors[0]?.clientId);
    });
  });
});

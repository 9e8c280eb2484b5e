import { describe, expect, it } from "vitest";
import { record, nextEvent, untyped, useRelay, useSocket } from "@pigeon/testing";

// The seed tutorial's client: string login/join/chat, no acks, listening for `message`,
// on socket.io's default transports (long-polling, then upgrade).
const SEED_TRANSPORTS = ["polling", "websocket"];

describe("tutorial protocol", () => {
  it("lets two seed clients chat in a room with { user, message }", async () => {
    const server = await useRelay();
    const one = await useSocket(server, SEED_TRANSPORTS);
    const two = await useSocket(server, SEED_TRANSPORTS);
    const errors = [...record(one, "error"), ...record(two, "error")];

    untyped(one).emit("login", "one");
    untyped(one).emit("join", "test");
    untyped(two).emit("login", "two");
    untyped(two).emit("join", "test");
    // Whichever join the server handles second, one ends up knowing two is there.
    await Promise.race([
      nextEvent(one, "memberChanges", ({ changes }) => changes.some(({ name }) => name === "two")),
      nextEvent(one, "members", ({ members }) => members.length === 2),
    ]);

    const atOne = nextEvent(one, "message");
    const atTwo = nextEvent(two, "message");
    untyped(two).emit("chat", "hello");
    expect(await atOne).toMatchObject({ user: "two", message: "hello", room: "test", seq: 1 });
    expect(await atTwo).toMatchObject({ user: "two", message: "hello" });

    const reply = nextEvent(two, "message");
    untyped(one).emit("chat", "hi two");
    expect(await reply).toMatchObject({ user: "one", message: "hi two", seq: 2 });
    expect(errors).toEqual([]);
  });

  it("keeps rooms apart", async () => {
    const server = await useRelay();
    const alice = await useSocket(server);
    const bob = await useSocket(server);
    untyped(alice).emit("login", "alice");
    untyped(alice).emit("join", "a");
    untyped(bob).emit("login", "bob");
    untyped(bob).emit("join", "b");
    const atBob = record(bob, "message");
    await alice.emitWithAck("chat", "only for a");
    const marker = nextEvent(bob, "message");
    untyped(bob).emit("chat", "in b");
    await marker;
    expect(atBob.map((message) => message.message)).toEqual(["in b"]);
  });
});

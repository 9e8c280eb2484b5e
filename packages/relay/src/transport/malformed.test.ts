import { MAX_NAME_LENGTH, MAX_PACKET_BYTES, MAX_ROOM_LENGTH, MAX_TEXT_LENGTH } from "@pigeon/protocol";
import { describe, expect, it } from "vitest";
import { record, nextEvent, untyped, useMember, useRelay, useSocket, type TestSocket } from "@pigeon/testing";

function emitRaw(socket: TestSocket, event: string, ...args: unknown[]): void {
  untyped(socket).emit(event, ...args);
}

function nested(depth: number): unknown {
  let value: unknown = "x";
  for (let level = 0; level < depth; level += 1) value = { room: value };
  return value;
}

const BAD_PAYLOADS: [event: string, label: string, payload: unknown, code: string][] = [
  ["login", "a number", 42, "BAD_REQUEST"],
  ["login", "null", null, "BAD_REQUEST"],
  ["login", "no payload", undefined, "BAD_REQUEST"],
  ["login", "an oversize name", "n".repeat(MAX_NAME_LENGTH + 1), "PAYLOAD_TOO_LARGE"],
  ["login", "unknown keys", { name: "mallory", admin: true }, "BAD_REQUEST"],
  ["login", "a missing name", {}, "BAD_REQUEST"],
  ["login", "a nested object", nested(200), "BAD_REQUEST"],
  ["join", "an array", ["test"], "BAD_REQUEST"],
  ["join", "an oversize room", "r".repeat(MAX_ROOM_LENGTH + 1), "PAYLOAD_TOO_LARGE"],
  ["join", "a room with spaces", "a room", "BAD_REQUEST"],
  ["join", "unknown keys", { room: "test", password: "x" }, "BAD_REQUEST"],
  ["join", "a nested object", nested(200), "BAD_REQUEST"],
  ["leave", "a boolean", true, "BAD_REQUEST"],
  ["chat", "a number", 5, "BAD_REQUEST"],
  ["chat", "empty text", "", "BAD_REQUEST"],
  ["chat", "an oversize text", "t".repeat(MAX_TEXT_LENGTH + 1), "PAYLOAD_TOO_LARGE"],
  ["chat", "text of the wrong type", { room: "test", text: { text: "hi" } }, "BAD_REQUEST"],
  ["chat", "a missing room", { text: "hi" }, "BAD_REQUEST"],
  ["chat", "unknown keys", { room: "test", text: "hi", user: "alice" }, "BAD_REQUEST"],
  ["chat", "a nested object", nested(200), "BAD_REQUEST"],
];

describe("malformed input", () => {
  it.each(BAD_PAYLOADS)("%s with %s gets %s by ack and changes nothing", async (event, _label, payload, code) => {
    const server = await useRelay();
    const mallory = await useMember(server, "mallory", ["test"]);
    const result: unknown = await untyped(mallory).timeout(5_000).emitWithAck(event, payload);
    expect(result).toMatchObject({ ok: false, error: { code } });
    expect(result).toMatchObject({ error: { message: expect.stringMatching(/\w/) } });
    // Nothing changed: still the same name, still in the room, still able to chat.
    const members = await mallory.emitWithAck("join", "test");
    expect(members).toMatchObject({ ok: true, data: { members: [{ name: "mallory", online: true }] } });
  });

  it.each(BAD_PAYLOADS)("%s with %s gets %s as an error event without an ack", async (event, _label, payload, code) => {
    const server = await useRelay();
    const mallory = await useMember(server, "mallory", ["test"]);
    const error = nextEvent(mallory, "error");
    emitRaw(mallory, event, payload);
    expect(await error).toMatchObject({ event, code });
  });

  it("refuses extra positional arguments", async () => {
    const server = await useRelay();
    const mallory = await useSocket(server);
    const error = nextEvent(mallory, "error");
    emitRaw(mallory, "login", "mallory", "extra");
    expect(await error).toMatchObject({ event: "login", code: "BAD_REQUEST" });
  });

  it("refuses an event the protocol does not have, by ack and by error event", async () => {
    const server = await useRelay();
    const mallory = await useMember(server, "mallory", ["test"]);
    const answer: unknown = await untyped(mallory).emitWithAck("shout", "hello");
    expect(answer).toEqual({ ok: false, error: { code: "BAD_REQUEST", message: 'unknown event "shout"' } });
    const error = nextEvent(mallory, "error");
    emitRaw(mallory, "x".repeat(1_000), "hello");
    expect(await error).toMatchObject({ event: "x".repeat(64), code: "BAD_REQUEST" });
    expect(await mallory.emitWithAck("chat", "still works")).toMatchObject({ ok: true });
  });

  it.each([
    ["join before login", "join", "test", "NOT_LOGGED_IN"],
    ["chat before login", "chat", "hello", "NOT_LOGGED_IN"],
    ["leave before login", "leave", "test", "NOT_LOGGED_IN"],
  ])("refuses %s", async (_label, event, payload, code) => {
    const server = await useRelay();
    const socket = await useSocket(server);
    expect(await socket.emitWithAck(event as "chat", payload)).toMatchObject({ ok: false, error: { code } });
  });

  it("refuses chat before any join, and chat to a room not joined", async () => {
    const server = await useRelay();
    const socket = await useMember(server, "alice");
    expect(await socket.emitWithAck("chat", "hello")).toMatchObject({ ok: false, error: { code: "NOT_IN_ROOM" } });
    await socket.emitWithAck("join", "a");
    const elsewhere = await socket.emitWithAck("chat", { room: "b", text: "hi" });
    expect(elsewhere).toMatchObject({ ok: false, error: { code: "NOT_IN_ROOM" } });
  });

  it("closes only the connection that sends a packet over the size limit", async () => {
    const server = await useRelay();
    const alice = await useMember(server, "alice", ["test"]);
    const bob = await useMember(server, "bob", ["test"]);
    const mallory = await useMember(server, "mallory", ["test"]);
    const cut = new Promise<string>((resolve) => mallory.once("disconnect", resolve));
    emitRaw(mallory, "chat", { room: "test", text: "x".repeat(MAX_PACKET_BYTES) });
    expect(await cut).toBe("transport close");

    const atBob = nextEvent(bob, "message");
    await alice.emitWithAck("chat", "still here");
    expect(await atBob).toMatchObject({ user: "alice", message: "still here" });
  });

  it("lets everyone else keep chatting while one client sends garbage", async () => {
    const server = await useRelay();
    const alice = await useMember(server, "alice", ["test"]);
    const bob = await useMember(server, "bob", ["test"]);
    const mallory = await useMember(server, "mallory", ["test"]);
    const atBob = record(bob, "message");
    const errors = record(mallory, "error");

    for (const [event, , payload] of BAD_PAYLOADS) emitRaw(mallory, event, payload);
    for (let index = 0; index < 20; index += 1) untyped(alice).emit("chat", `m${index}`);
    const last = nextEvent(bob, "message", ({ message }) => message === "last");
    await alice.emitWithAck("chat", "last");
    await last;

    expect(atBob.map((message) => message.message)).toEqual([...Array.from({ length: 20 }, (_, i) => `m${i}`), "last"]);
    await mallory.emitWithAck("chat", "mallory still works");
    expect(errors).toHaveLength(BAD_PAYLOADS.length);
  });
});

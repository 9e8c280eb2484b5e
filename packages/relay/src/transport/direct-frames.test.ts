import type { ChatMessage } from "@pigeon/protocol";
import { record, untyped, useMember, useRelay, waitUntil, type TestServer } from "@pigeon/testing";
import { describe, expect, it } from "vitest";
import type { RelaySocket } from "../context.js";

/** The relay's socket for the connection logged in as `name`. */
function serverSocket(server: TestServer, name: string): RelaySocket {
  const socket = [...server.relay.io.sockets.sockets.values()].find((candidate) => candidate.data.name === name);
  if (socket === undefined) throw new Error(`${name} is not connected`);
  return socket;
}

/** How many packets engine.io makes for the connection from now on (its `packetCreate` event). */
function countPackets(socket: RelaySocket): { readonly count: number } {
  const counter = { count: 0 };
  socket.conn.on("packetCreate", () => {
    counter.count += 1;
  });
  return counter;
}

function message(seq: number): ChatMessage {
  return { user: "relay", message: `m${String(seq)}`, room: "lobby", id: `id-${String(seq)}`, seq, incarnation: "test", sentAt: seq };
}

describe("broadcast frames", () => {
  it("go to an open WebSocket without engine.io's per-packet path", async () => {
    const server = await useRelay();
    const alice = await useMember(server, "alice", ["lobby"]);
    const bob = await useMember(server, "bob", ["lobby"]);
    const packets = countPackets(serverSocket(server, "bob"));
    const received = record(bob, "message");

    for (let index = 1; index <= 3; index += 1) untyped(alice).emit("chat", `hello ${String(index)}`);
    await waitUntil(() => received.length === 3, () => `bob has ${String(received.length)} of 3`);

    expect(received.map(({ user, message: text }) => [user, text])).toEqual([
      ["alice", "hello 1"],
      ["alice", "hello 2"],
      ["alice", "hello 3"],
    ]);
    expect(packets.count).toBe(0);
  });

  it("never overtake what engine.io still holds for the connection", async () => {
    const server = await useRelay();
    const bob = await useMember(server, "bob", ["lobby"]);
    const socket = serverSocket(server, "bob");
    const received = record(bob, "message");

    // A frame sent to one socket goes through engine.io, which holds what follows until its
    // write is done: the broadcasts after it must wait their turn, and the one before it not.
    server.relay.io.to("lobby").emit("message", message(1));
    socket.emit("message", message(2));
    server.relay.io.to("lobby").emit("message", message(3));
    socket.emit("message", message(4));
    server.relay.io.to("lobby").emit("message", message(5));
    await waitUntil(() => received.length === 5, () => `bob has ${String(received.length)} of 5`);

    expect(received.map(({ seq }) => seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it("reach long-polling connections the usual way", async () => {
    const server = await useRelay();
    const alice = await useMember(server, "alice", ["lobby"]);
    const bob = await useMember(server, "bob", ["lobby"], ["polling"]);
    const received = record(bob, "message");

    for (let index = 1; index <= 3; index += 1) untyped(alice).emit("chat", `hello ${String(index)}`);
    await waitUntil(() => received.length === 3, () => `bob has ${String(received.length)} of 3`);

    expect(received.map(({ message: text }) => text)).toEqual(["hello 1", "hello 2", "hello 3"]);
  });
});

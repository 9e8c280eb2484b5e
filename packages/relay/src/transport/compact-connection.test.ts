import { describe, expect, it } from "vitest";
import { nextEvent, untyped, useMember, useRelay, useSocket, waitUntil, type TestServer, type TestSocket } from "@pigeon/testing";

type Raw = ((...args: unknown[]) => unknown) & { readonly listener?: unknown };

/** An emitter as these tests look into it. */
interface Emitter {
  readonly _events: object;
  eventNames(): (string | symbol)[];
  rawListeners(event: string | symbol): Raw[];
  listenerCount(event: string): number;
}

/** The server side of the relay's only connection. */
function serverSide(server: TestServer) {
  const [socket] = server.relay.io.of("/").sockets.values();
  if (socket === undefined) throw new Error("no connection");
  const conn = socket.conn as unknown as Emitter & { readonly transport: Emitter & { readonly name: string; readonly socket: Emitter } };
  return { socket: socket as unknown as Emitter & { readonly _anyListeners: unknown[] }, conn, transport: conn.transport, ws: conn.transport.socket };
}

/** Checks that a connection was compacted: see compact-connection.ts. */
function expectCompacted(server: TestServer): void {
  const { socket, conn, transport, ws } = serverSide(server);
  expect(transport.name).toBe("websocket");
  for (const emitter of [ws, transport, conn, socket]) {
    const table = emitter._events;
    const inherited = Object.getPrototypeOf(table) as object | null;
    // An ordinary object (not Node's `{ __proto__: null }` table), inheriting no key at all.
    expect(inherited).not.toBeNull();
    expect(Reflect.ownKeys(inherited ?? {})).toEqual([]);
    expect(Object.getPrototypeOf(inherited)).toBeNull();
    for (const event of emitter.eventNames()) expect(emitter.rawListeners(event).filter((raw) => raw.listener !== undefined)).toEqual([]);
  }
  expect(transport.listenerCount("headers")).toBe(0);
  expect(socket._anyListeners).toHaveLength(1);
}

async function chatsBack(socket: TestSocket, text: string): Promise<void> {
  const heard = nextEvent(socket, "message");
  untyped(socket).emit("chat", text);
  expect(await heard).toMatchObject({ message: text });
}

describe("compacted connections", () => {
  it("keep a WebSocket's listeners in ordinary tables that inherit nothing, without once wrappers", async () => {
    const server = await useRelay();
    const alice = await useMember(server, "alice", ["lobby"]);
    expectCompacted(server);
    await chatsBack(alice, "after compacting");
  });

  it("compact a polling connection once it upgrades to a WebSocket", async () => {
    const server = await useRelay();
    const alice = await useSocket(server, ["polling", "websocket"]);
    await waitUntil(() => serverSide(server).transport.name === "websocket", "the upgrade");
    expectCompacted(server);
    untyped(alice).emit("login", "alice");
    untyped(alice).emit("join", "lobby");
    await chatsBack(alice, "after the upgrade");
  });

  it("answer events named after Object.prototype's keys as unknown, and keep working", async () => {
    const server = await useRelay();
    const alice = await useMember(server, "alice", ["lobby"]);
    // With a table that inherited Object.prototype, socket.io's dispatch would call these on
    // the socket: `__defineGetter__("data", ack)` would replace the relay's state for it.
    for (const event of ["__defineGetter__", "__defineSetter__", "constructor", "hasOwnProperty", "toString", "valueOf", "__proto__"]) {
      const answer = await untyped(alice).timeout(2_000).emitWithAck(event, "data");
      expect(answer).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    }
    await chatsBack(alice, "still here");
  });

  it("are let go once when they close, cleanly or on a transport error", async () => {
    const server = await useRelay();
    const { engine } = server.relay.io;
    const clean = await useMember(server, "alice", ["lobby"]);
    const upgraded = await useSocket(server, ["polling", "websocket"]);
    const broken = await useMember(server, "bob", ["lobby"]);
    await waitUntil(() => engine.clientsCount === 3 && [...server.relay.io.of("/").sockets.values()].every((socket) => socket.conn.transport.name === "websocket"), "three WebSocket connections");
    clean.close();
    upgraded.close();
    // Text that is not UTF-8: the server's WebSocket fails, and the transport reports an error.
    const ws = (broken.io.engine.transport as unknown as { ws: { send(data: Buffer, options: { binary: boolean }): void } }).ws;
    const dropped = new Promise((resolve) => broken.once("disconnect", resolve));
    ws.send(Buffer.from([0xff, 0xfe]), { binary: false });
    await dropped;
    await waitUntil(() => engine.clientsCount === 0, () => `${String(engine.clientsCount)} connections left`);
    expect(Object.keys((engine as unknown as { clients: object }).clients)).toEqual([]);
    expect(server.relay.io.of("/").sockets.size).toBe(0);
    // A second `close` from any of them would count one connection twice.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(engine.clientsCount).toBe(0);
  });
});

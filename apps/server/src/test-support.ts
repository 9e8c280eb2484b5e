// Fixtures for the server's own tests: real socket.io clients against a real relay.
import type { ClientToServerEvents, Hello, ServerToClientEvents } from "@pigeon/protocol";
import { io, type Socket } from "socket.io-client";
import { afterEach } from "vitest";
import { startTestServer, type TestServer } from "./testing.js";
import type { ConfigInput } from "./config.js";
import type { RelayStore } from "./store/relay-store.js";

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * The socket as the seed tutorial's plain JavaScript client sees it: no event typing, so it
 * can emit without acks and send payloads the protocol's types would refuse.
 */
export function untyped(socket: TestSocket): Socket {
  return socket;
}

/** A relay that is closed after the current test. */
export async function useServer(config: ConfigInput = {}, store?: RelayStore): Promise<TestServer> {
  const server = await startTestServer(config, store);
  cleanups.push(() => server.close());
  return server;
}

/** A connected socket.io client, closed after the current test; resolves once `hello` came. */
export async function useSocket(server: TestServer, transports = ["websocket"]): Promise<TestSocket> {
  const socket: TestSocket = io(server.url, { transports, reconnection: false, forceNew: true });
  cleanups.push(() => {
    socket.close();
  });
  const hello = await new Promise<Hello>((resolve, reject) => {
    socket.once("hello", resolve);
    socket.once("connect_error", reject);
  });
  hellos.set(socket, hello);
  return socket;
}

const hellos = new WeakMap<TestSocket, Hello>();

/** The `hello` a socket from `useSocket` was greeted with. */
export function helloOf(socket: TestSocket): Hello | undefined {
  return hellos.get(socket);
}

/** Resolves with the next `event` whose payload satisfies `accept`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: TestSocket,
  event: E,
  accept: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve) => {
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!accept(payload)) return;
      socket.off(event, listener as never);
      resolve(payload);
    };
    socket.on(event, listener as never);
  });
}

/** Collects every `event` the socket receives from now on. */
export function collect<E extends keyof ServerToClientEvents>(
  socket: TestSocket,
  event: E,
): Parameters<ServerToClientEvents[E]>[0][] {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  socket.on(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) => seen.push(payload)) as never);
  return seen;
}

/** A client logged in as `name` and joined to `rooms`, with acks checked. */
export async function useMember(server: TestServer, name: string, rooms: string[] = []): Promise<TestSocket> {
  const socket = await useSocket(server);
  const login = await socket.emitWithAck("login", name);
  if (!login.ok) throw new Error(`login failed: ${login.error.code}`);
  for (const room of rooms) {
    const joined = await socket.emitWithAck("join", room);
    if (!joined.ok) throw new Error(`join failed: ${joined.error.code}`);
  }
  return socket;
}

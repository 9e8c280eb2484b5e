// Raw socket.io clients against a real relay, as the relay's own tests and the seed tutorial use it.
import type { ClientToServerEvents, Hello, ServerToClientEvents } from "@pigeon/protocol";
import { io, type Socket } from "socket.io-client";
import { onTestFinished } from "vitest";
import type { TestServer } from "./test-server.js";
import type { TestIdentity } from "./signer.js";
import { MemoryStore, RelayConfig, retentionLimits, type RelayConfigInput } from "@pigeon/relay";

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The socket as the seed tutorial's plain JavaScript client sees it: no event typing, so it
 * can emit without acks and send payloads the protocol's types would refuse.
 */
export function untyped(socket: TestSocket): Socket {
  return socket;
}

/** A connected socket.io client, closed after the current test; resolves once `hello` came. */
export async function useSocket(server: TestServer, transports = ["websocket"]): Promise<TestSocket> {
  const socket: TestSocket = io(server.url, { transports, reconnection: false, forceNew: true });
  onTestFinished(() => {
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

/** A memory store with the default limits, for tests that wrap or inspect it. */
export function memoryStore(config: RelayConfigInput = {}): MemoryStore {
  return new MemoryStore(retentionLimits(RelayConfig.parse(config)));
}

/** A connection logged in as `identity` under `name`; its rooms replay after the ack. */
export async function useKeyed(server: TestServer, identity: TestIdentity, name: string, rooms: string[] = []): Promise<TestSocket> {
  const socket = await useSocket(server);
  const challenge = helloOf(socket)?.challenge ?? "";
  const login = await socket.emitWithAck("login", identity.loginPayload(name, challenge));
  if (!login.ok) throw new Error(`keyed login failed: ${login.error.code}`);
  for (const room of rooms) {
    const joined = await socket.emitWithAck("join", room);
    if (!joined.ok) throw new Error(`join failed: ${joined.error.code}`);
  }
  return socket;
}

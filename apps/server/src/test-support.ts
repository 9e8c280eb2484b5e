// Fixtures for the server's own tests: real socket.io clients against a real relay.
import { generateKeyPairSync, sign } from "node:crypto";
import { loginProof, type ClientToServerEvents, type Hello, type ServerToClientEvents } from "@pigeon/protocol";
import { io, type Socket } from "socket.io-client";
import { afterEach } from "vitest";
import { startTestServer, type TestServer, type TestServerOptions } from "./testing.js";
import { Config, retentionLimits, type ConfigInput } from "./config.js";
import { MemoryStore } from "./store/memory-store.js";
import { deleteKeysWithPrefix, redisUrlForTests, TEST_REDIS_URL, testKeyPrefix } from "./store/redis/test-redis.js";

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

/** The stores a delivery test runs against: memory always, Redis when reachable (in CI: always). */
export const STORES: readonly ("memory" | "redis")[] =
  (await redisUrlForTests()) === undefined ? ["memory"] : ["memory", "redis"];
if (!STORES.includes("redis")) console.warn(`Redis at ${TEST_REDIS_URL} unreachable: Redis variants of delivery tests skipped`);

/**
 * A relay that is closed after the current test. With `store: "redis"` it gets a key prefix
 * of its own (unless given one), whose keys are deleted after the test.
 */
export async function useServer(config: ConfigInput = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const redisPrefix = config.store === "redis" ? (config.redisPrefix ?? testKeyPrefix("server")) : undefined;
  const server = await startTestServer({ ...config, ...(redisPrefix ? { redisPrefix, redisUrl: TEST_REDIS_URL } : {}) }, options);
  cleanups.push(async () => {
    await server.close();
    if (redisPrefix) await deleteKeysWithPrefix(TEST_REDIS_URL, redisPrefix);
  });
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

/** A memory store with the default limits, for tests that wrap or inspect it. */
export function memoryStore(config: ConfigInput = {}): MemoryStore {
  return new MemoryStore(retentionLimits(Config.parse(config)));
}

/** An Ed25519 identity made with Node's crypto, signing keyed logins like the SDK does. */
export interface TestIdentity {
  readonly publicKey: string;
  /** The login payload for `name` on the connection greeted with `challenge`. */
  loginPayload(name: string, challenge: string): { name: string; publicKey: string; signature: string };
}

/** A fresh keyed identity. */
export function testIdentity(): TestIdentity {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "jwk" }).x ?? "";
  return {
    publicKey: raw,
    loginPayload: (name, challenge) => ({
      name,
      publicKey: raw,
      signature: sign(null, Buffer.from(loginProof(challenge, name)), privateKey).toString("base64url"),
    }),
  };
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

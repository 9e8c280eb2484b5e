import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRelay, createStore, RelayConfig, type Relay, type RelayConfigInput, type RelayOptions, type RelayStore } from "@pigeon/relay";
import { pino } from "pino";
import { afterEach, beforeEach, onTestFinished } from "vitest";
import { deleteKeysWithPrefix, TEST_REDIS_URL, testKeyPrefix } from "./test-redis.js";

/** A relay listening on 127.0.0.1 on a free port, for tests. */
export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly relay: Relay;
  close(): Promise<void>;
}

/** What `startTestServer` may be given besides configuration. */
export type TestServerOptions = RelayOptions & {
  /** Wraps the configured store (memory or Redis), so a test can slow or break one operation. */
  readonly wrapStore?: (store: RelayStore) => RelayStore;
  /** The port to listen on (default: a free one), so that a restarted relay is found again. */
  readonly port?: number;
  /**
   * Origins besides its own (http://127.0.0.1:port, http://localhost:port) that keyed logins
   * may be signed for: a proxy's in front of it. Unset: the relay's default, this machine.
   */
  readonly alsoAnsweringAt?: readonly string[];
};

/**
 * Starts a real relay on a free port of 127.0.0.1, quiet unless LOG_LEVEL says otherwise.
 * The caller closes it; inside a test, {@link useRelay} does that for you.
 *
 * @example
 * const server = await startTestServer({ store: "redis" });
 * const socket = io(server.url);
 * await server.close();
 */
export async function startTestServer(overrides: RelayConfigInput = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const config = RelayConfig.parse(overrides);
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? "silent", base: { node: config.nodeId } });
  const { wrapStore, port: wanted = 0, alsoAnsweringAt, ...relayOptions } = options;
  const store = wrapStore === undefined ? relayOptions.store : wrapStore(relayOptions.store ?? (await createStore(config, logger)));
  const httpServer = createServer();
  // Listening first tells the port, which the relay's public origins may need; socket.io
  // attaches to a listening server as well as to one that is not yet.
  await new Promise<void>((resolve) => httpServer.listen(wanted, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;
  const publicOrigins = alsoAnsweringAt && [`http://127.0.0.1:${port}`, `http://localhost:${port}`, ...alsoAnsweringAt];
  const relay = await createRelay(httpServer, publicOrigins ? { ...config, publicOrigins } : config, {
    ...relayOptions,
    logger,
    ...(store === undefined ? {} : { store }),
  }).catch(async (error: unknown) => {
    await new Promise((resolve) => httpServer.close(resolve));
    throw error;
  });
  return { url: `http://127.0.0.1:${port}`, port, relay, close: () => relay.close() };
}

/**
 * Starts a relay for a test and returns how to close it. A Redis-backed relay gets a key prefix
 * of its own (unless given one) on the test Redis, deleted when it closes, so tests sharing
 * one Redis never see each other's names, rooms or logs. The store is exactly the one asked for.
 */
async function startIsolated(config: RelayConfigInput, options: TestServerOptions): Promise<TestServer> {
  if (config.store !== "redis") return startTestServer(config, options);
  const redisPrefix = config.redisPrefix ?? testKeyPrefix("relay");
  const redisUrl = config.redisUrl ?? TEST_REDIS_URL;
  const server = await startTestServer({ ...config, redisPrefix, redisUrl }, options);
  return {
    ...server,
    async close() {
      await server.close();
      if (config.redisPrefix === undefined) await deleteKeysWithPrefix(redisUrl, redisPrefix);
    },
  };
}

/**
 * A relay started now, inside the current test, and closed when the test finishes.
 *
 * @example
 * it("replays after the ack", async () => {
 *   const server = await useRelay({ store: "redis" });
 * });
 */
export async function useRelay(config: RelayConfigInput = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const server = await startIsolated(config, options);
  onTestFinished(() => server.close());
  return server;
}

/**
 * A fresh relay for every test of the enclosing suite (started before each, closed after);
 * call the returned function inside a test to get the current one.
 *
 * @example
 * const server = useRelayPerTest({ store });
 * it("delivers", async () => { io(server().url); });
 */
export function useRelayPerTest(config: RelayConfigInput = {}): () => TestServer {
  let server: TestServer | undefined;
  beforeEach(async () => {
    server = await startIsolated(config, {});
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  return () => {
    if (server === undefined) throw new Error("no relay: call inside a test");
    return server;
  };
}

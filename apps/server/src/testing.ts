import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Relay } from "./app.js";
import { Config, type ConfigInput } from "./config.js";
import { createRelay, type RelayOptions } from "./relay.js";

/** A relay listening on 127.0.0.1 on a free port, for tests. */
export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly relay: Relay;
  close(): Promise<void>;
}

/** What `startTestServer` may be given besides configuration. */
export type TestServerOptions = RelayOptions;

/**
 * Starts a real relay on a free port of 127.0.0.1, quiet unless LOG_LEVEL says otherwise.
 *
 * @example
 * const server = await startTestServer({ store: "redis" });
 * const socket = io(server.url);
 * await server.close();
 */
export async function startTestServer(overrides: ConfigInput = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const config = Config.parse({ logLevel: process.env.LOG_LEVEL ?? "silent", ...overrides, port: 0 });
  const httpServer = createServer();
  const relay = await createRelay(httpServer, config, options);
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, relay, close: () => relay.close() };
}

export {
  redisReachable,
  startRedisCluster,
  startRedisServer,
  type RedisClusterProcesses,
  type RedisServerOptions,
  type RedisServerProcess,
} from "./store/redis/redis-process.js";

import type { Server as HttpServer } from "node:http";
import { createApp, type Relay } from "./app.js";
import type { Config } from "./config.js";
import { createLogger, type Logger } from "./logger.js";
import { createRedisAdapter } from "./redis-adapter.js";
import { createStore } from "./store/create-store.js";
import type { RelayStore } from "./store/relay-store.js";

/** What `createRelay` may be given besides the configuration. */
export interface RelayOptions {
  /** A store to use instead of the configured one. */
  readonly store?: RelayStore;
  /** The relay's clock, so tests can move time. */
  readonly clock?: () => number;
  /** The logger to use (default: one made from the configuration). */
  readonly logger?: Logger;
}

/**
 * Everything a configuration implies, wired on an HTTP server: the store it names and, with
 * Redis, socket.io's Redis adapter, so that any number of nodes started with the same
 * `PIGEON_STORE=redis` and `REDIS_URL` form one service. Never listens.
 *
 * @example
 * const relay = await createRelay(httpServer, loadConfig(argv, env));
 * httpServer.listen(config.port);
 */
export async function createRelay(httpServer: HttpServer, config: Config, options: RelayOptions = {}): Promise<Relay> {
  const store = options.store ?? (await createStore(config));
  const adapter = config.store === "redis" ? await createRedisAdapter(config) : undefined;
  return createApp(httpServer, {
    config,
    store,
    logger: options.logger ?? createLogger(config),
    ...(adapter ? { adapter } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

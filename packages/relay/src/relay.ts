import type { Server as HttpServer } from "node:http";
import { createApp, type Relay } from "./transport/app.js";
import type { RelayConfig } from "./config.js";
import { silentLogger, type Logger } from "./logger.js";
import { listenMetrics } from "./transport/metrics-server.js";
import { createRedisAdapter, type RedisAdapter } from "./transport/redis-adapter.js";
import { createStore } from "./store/create-store.js";
import type { RelayStore } from "./store/relay-store.js";

/** At most one warning this often while Redis refuses writes as a replica. */
const READ_ONLY_WARNING_MS = 10_000;

/** What `createRelay` may be given besides the configuration. */
export interface RelayOptions {
  /** A store to use instead of the configured one. */
  readonly store?: RelayStore;
  /** The relay's clock, so tests can move time. */
  readonly clock?: () => number;
  /** Where the relay logs (default: nowhere). */
  readonly logger?: Logger;
}

/**
 * Everything a configuration implies, wired on an HTTP server: the store it names and, with
 * Redis, socket.io's Redis adapter, so that any number of nodes started with the same
 * `PIGEON_STORE=redis` and `REDIS_URL` form one service. Never listens.
 *
 * Redis need not be reachable at startup: the node then starts unhealthy (`/healthz` 503,
 * logins refused with UNAVAILABLE), logs a warning once, and becomes healthy by itself when
 * Redis answers. Only configuration errors (a malformed `REDIS_URL`) make this reject, and a
 * `metricsPort` that cannot be listened on: that server (metrics only) it does listen on.
 *
 * @example
 * const relay = await createRelay(httpServer, loadConfig(argv, env));
 * httpServer.listen(config.port);
 */
export async function createRelay(httpServer: HttpServer, config: RelayConfig, options: RelayOptions = {}): Promise<Relay> {
  const logger = options.logger ?? silentLogger();
  // A Redis that failed over refuses the store's writes (READONLY) and the store's client
  // reconnects; the adapter's clients never write, so they are told to reconnect with it, or
  // this node would go on publishing to the old primary, where the other nodes no longer listen.
  const failover: { adapter?: RedisAdapter } = {};
  let warnedAt = -Infinity;
  const onReadOnly = () => {
    // Every write in flight is refused at once: one line for the lot.
    if (Date.now() - warnedAt > READ_ONLY_WARNING_MS) {
      warnedAt = Date.now();
      logger.warn("Redis refused a write as a read-only replica (a failover?): reconnecting");
    }
    failover.adapter?.reconnect();
  };
  // Side by side, so that a Redis that is not there delays startup once, not twice.
  const [store, adapter] = await Promise.allSettled([
    options.store ?? createStore(config, logger, { onReadOnly }),
    config.store === "redis" ? createRedisAdapter(config) : undefined,
  ]);
  if (store.status === "rejected" || adapter.status === "rejected") {
    // Close what did open: its clients would otherwise keep trying to reach Redis.
    if (store.status === "fulfilled" && options.store === undefined) await store.value.close();
    if (adapter.status === "fulfilled") await adapter.value?.close();
    throw store.status === "rejected" ? store.reason : (adapter as PromiseRejectedResult).reason;
  }
  if (adapter.value) failover.adapter = adapter.value;
  const relay = createApp(httpServer, {
    config,
    store: store.value,
    logger,
    ...(adapter.value ? { adapter: adapter.value } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const { metricsPort } = config;
  if (relay.metrics === undefined || metricsPort === undefined) return relay;
  const metricsServer = await listenMetrics(relay.metrics, { ...config, metricsPort }).catch(async (error: unknown) => {
    await relay.close();
    throw error;
  });
  return {
    ...relay,
    metricsPort: metricsServer.port,
    close: async () => {
      await Promise.all([relay.close(), metricsServer.close()]);
    },
  };
}

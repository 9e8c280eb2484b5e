import type { RelayConfig } from "../config.js";
import type { Server } from "socket.io";
import type { RelayStore } from "../store/relay-store.js";
import { attachMetrics, NO_METRICS, PrometheusMetrics, type MetricsSources, type RelayMetrics } from "./relay-metrics.js";
import { timedStore } from "./timed-store.js";

/** What {@link installMetrics} gives the relay. */
export interface InstalledMetrics {
  /** What handlers and the transport count into. */
  readonly metrics: RelayMetrics;
  /** The registry's owner, to serve; undefined when metrics are off. */
  readonly prometheus: PrometheusMetrics | undefined;
  /** The store the relay should use: timed when metrics are on. */
  readonly store: RelayStore;
}

/**
 * Metrics for one relay, when an operator can read them (`metricsPort` or `metricsToken` is
 * set); otherwise nothing is counted, collected or wrapped. The metrics are tied to `io`, so
 * that `answer`, which holds only a socket, counts refusals.
 *
 * @example
 * const { metrics, prometheus, store } = installMetrics(config, options.store, io);
 */
export function installMetrics(config: RelayConfig, store: RelayStore, io: Server): InstalledMetrics {
  if (config.metricsPort === undefined && config.metricsToken === undefined) return { metrics: NO_METRICS, prometheus: undefined, store };
  const usage = usageOf(store);
  const sources: MetricsSources = {
    connections: () => io.of("/").sockets.size,
    sessions: () => sessionTransports(io),
    ...(usage === undefined ? {} : { usage }),
  };
  const prometheus = new PrometheusMetrics(sources);
  attachMetrics(io, prometheus);
  return { metrics: prometheus, prometheus, store: timedStore(store, prometheus) };
}

type Usage = () => Promise<{ entries: number; bytes: number }>;

/** The store's optional `usage()` (held messages and bytes), bound; undefined if it has none. */
function usageOf(store: RelayStore): Usage | undefined {
  const candidate: unknown = (store as unknown as { usage?: unknown }).usage;
  return typeof candidate === "function" ? (candidate.bind(store) as Usage) : undefined;
}

function* sessionTransports(io: Server): Iterable<string> {
  // engine.io keeps open sessions in `clients`; it types that field protected, not private.
  const clients = (io.engine as unknown as { clients: Record<string, { transport: { name: string } }> }).clients;
  for (const id in clients) {
    const client = clients[id];
    if (client !== undefined) yield client.transport.name;
  }
}

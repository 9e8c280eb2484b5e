import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { RelayConfig } from "../config.js";
import type { PrometheusMetrics } from "../metrics/relay-metrics.js";
import { access } from "./access.js";
import { metricsRoute } from "./metrics-route.js";

/** The HTTP server that serves only `/metrics`, on a port of its own. */
export interface MetricsServer {
  /** The port it listens on (the one the OS chose, when `metricsPort` was 0). */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves `/metrics` on `metricsPort` of `metricsHost` (127.0.0.1 unless the operator opens
 * it). With `metricsToken` set, scrapes need the token here too. Rejects when it cannot
 * listen (the port is taken), so a misconfigured relay does not start.
 *
 * @example
 * const server = await listenMetrics(metrics, { ...config, metricsPort: 9464 });
 */
export async function listenMetrics(metrics: PrometheusMetrics, config: RelayConfig & { metricsPort: number }): Promise<MetricsServer> {
  const allowed = config.metricsToken === undefined ? () => true : access(config.metricsToken);
  const serve = metricsRoute(metrics, allowed);
  const server = createServer((request, response) => {
    if ((request.url ?? "/").split("?")[0] === "/metrics") serve(request, response);
    else response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("only /metrics here\n");
  });
  server.listen(config.metricsPort, config.metricsHost);
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

import type { IncomingMessage, ServerResponse } from "node:http";
import type { PrometheusMetrics } from "../metrics/relay-metrics.js";
import type { Access } from "./access.js";

/**
 * Answers a scrape with the Prometheus text exposition, to requests `allowed` admits; others
 * get 401 and learn nothing.
 *
 * @example
 * const serve = metricsRoute(metrics, access(config.metricsToken));
 */
export function metricsRoute(metrics: PrometheusMetrics, allowed: Access) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (!allowed(request)) {
      response.writeHead(401, { "www-authenticate": 'Bearer realm="metrics"', "content-type": "text/plain; charset=utf-8" });
      response.end("metrics need Authorization: Bearer <metricsToken>\n");
      return;
    }
    metrics.registry.metrics().then(
      (text) => {
        response.writeHead(200, { "content-type": metrics.registry.contentType, "cache-control": "no-store" });
        response.end(text);
      },
      () => {
        response.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("metrics failed\n");
      },
    );
  };
}

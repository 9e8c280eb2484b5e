import type { IncomingMessage, ServerResponse } from "node:http";
import type { RelayContext } from "../context.js";
import type { PrometheusMetrics } from "../metrics/relay-metrics.js";
import { access } from "./access.js";
import { metricsRoute } from "./metrics-route.js";
import { webRoutes } from "./web-routes.js";

/**
 * Plain HTTP beside socket.io (which answers /socket.io/ itself): the web client at `/`, and `/healthz` for load
 * balancers and orchestrators: 200 while the node can serve, 503 while its store is
 * unreachable or refuses writes (out of memory, or unable to save to its disk), or while its Redis adapter is disconnected (broadcasts
 * from other nodes would not reach it; each client reconnects on its own schedule, so the store
 * can be back before the subscriptions are). Anyone gets the status; only the operator (`healthToken`,
 * `healthAllowFrom`) gets the details, which tell an attacker the node's name, store and load.
 * `/metrics` on this port only with `metricsToken`.
 */
export function httpRoutes(context: RelayContext, metrics?: PrometheusMetrics) {
  const web = webRoutes(context.config.webDir);
  const operator = access(context.config.healthToken, context.config.healthAllowFrom);
  const serveMetrics = metrics && context.config.metricsToken !== undefined ? metricsRoute(metrics, access(context.config.metricsToken)) : undefined;
  return (request: IncomingMessage, response: ServerResponse): void => {
    const path = (request.url ?? "/").split("?")[0];
    if (path === "/healthz" && (request.method === "GET" || request.method === "HEAD")) {
      // 503 takes an unhealthy node out of a load balancer's rotation until it recovers.
      const reachable = context.store.healthy();
      const why = reachable ? context.store.whyFull() : undefined;
      const full = why !== undefined;
      const broadcasts = context.broadcastsFlow();
      const healthy = reachable && !full && broadcasts;
      const status = healthy ? "ok" : full ? "store-full" : "unavailable";
      sendJson(response, healthy ? 200 : 503, !operator(request) ? { status } : {
        status,
        ...(full ? { reason: `the store refuses writes: ${why}` } : {}),
        node: context.config.nodeId,
        store: context.store.kind,
        storeReachable: reachable,
        broadcastsFlow: broadcasts,
        connections: context.io.engine.clientsCount,
      });
      return;
    }
    if (path === "/metrics" && serveMetrics) {
      serveMetrics(request, response);
      return;
    }
    if (web && (request.method === "GET" || request.method === "HEAD")) {
      web(request, response, () => {
        sendJson(response, 404, { error: "not found" });
      });
      return;
    }
    if (path === "/") {
      response.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      response.end("Pigeon relay. The web client is not built: run `pnpm build` (or `pnpm start`).\n");
      return;
    }
    sendJson(response, 404, { error: "not found" });
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  response.end(text);
}

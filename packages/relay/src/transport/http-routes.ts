import type { IncomingMessage, ServerResponse } from "node:http";
import type { RelayContext } from "../context.js";
import { webRoutes } from "./web-routes.js";

/**
 * Plain HTTP beside socket.io (which answers /socket.io/ itself): the web client at `/`, and `/healthz` for load
 * balancers and orchestrators: 200 while the node can serve, 503 while its store is
 * unreachable or refuses writes (full).
 */
export function httpRoutes(context: RelayContext) {
  const web = webRoutes(context.config.webDir);
  return (request: IncomingMessage, response: ServerResponse): void => {
    const path = (request.url ?? "/").split("?")[0];
    if (path === "/healthz" && (request.method === "GET" || request.method === "HEAD")) {
      // 503 takes an unhealthy node out of a load balancer's rotation until it recovers.
      const reachable = context.store.healthy();
      const full = reachable && context.store.full();
      const healthy = reachable && !full;
      sendJson(response, healthy ? 200 : 503, {
        status: healthy ? "ok" : full ? "store-full" : "unavailable",
        ...(full ? { reason: "the store refuses writes: out of memory" } : {}),
        node: context.config.nodeId,
        store: context.store.kind,
        storeReachable: reachable,
        connections: context.io.engine.clientsCount,
      });
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

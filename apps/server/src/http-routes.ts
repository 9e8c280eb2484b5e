import type { IncomingMessage, ServerResponse } from "node:http";
import type { RelayContext } from "./context.js";

/**
 * Plain HTTP beside socket.io (which answers /socket.io/ itself): `/healthz` for load
 * balancers and orchestrators: 200 while the node can serve, 503 while its store is
 * unreachable.
 */
export function httpRoutes(context: RelayContext) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const path = (request.url ?? "/").split("?")[0];
    if (path === "/healthz" && (request.method === "GET" || request.method === "HEAD")) {
      // 503 takes an unhealthy node out of a load balancer's rotation until it recovers.
      const healthy = context.store.healthy();
      sendJson(response, healthy ? 200 : 503, {
        status: healthy ? "ok" : "unavailable",
        node: context.config.nodeId,
        store: context.store.kind,
        storeReachable: healthy,
        connections: context.io.engine.clientsCount,
      });
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

import { createServer, connect, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/** A TCP proxy in front of the relay whose network can be cut and restored. */
export interface CuttableProxy {
  readonly url: string;
  /** Drops every connection and refuses new ones: the browser is offline. */
  cut(): void;
  /** Lets connections through again. */
  restore(): void;
  close(): Promise<void>;
}

/**
 * Puts a proxy on a free port in front of `targetUrl` (or of what it returns once a browser
 * connects, so the proxy can start first and the relay be told the proxy's origin). Cutting it kills the browser's
 * websocket the way a lost network does, without touching the relay, so socket.io's own
 * reconnection (and the app's outbox) are what the tests see.
 *
 * @example
 * const proxy = await startCuttableProxy(relay.url);
 * proxy.cut(); // the banner shows; typed messages wait
 * proxy.restore(); // they go out
 */
export async function startCuttableProxy(targetUrl: string | (() => string)): Promise<CuttableProxy> {
  const targetOf = () => new URL(typeof targetUrl === "string" ? targetUrl : targetUrl());
  const sockets = new Set<Socket>();
  let up = true;
  const server: Server = createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const target = targetOf();
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      up = false;
      dropAll();
    },
    restore() {
      up = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        dropAll();
        server.close(() => {
          resolve();
        });
      }),
  };
}

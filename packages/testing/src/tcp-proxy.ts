import { createConnection, createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/** A TCP proxy on 127.0.0.1 whose link a test can cut and mend, like a network that fails one node. */
export interface TcpProxy {
  /** `redis://127.0.0.1:<port>` of the proxy, for a Redis client that should go through it. */
  readonly redisUrl: string;
  /** Drops every connection through it and refuses new ones (accepted, then closed at once). */
  cut(): void;
  /** Lets connections through again. */
  mend(): void;
  /**
   * Sends new connections to `target` (host:port) from now on and leaves open ones where they
   * are, as a DNS name moved to another server does (a managed Redis's failover).
   */
  retarget(target: string): void;
  close(): Promise<void>;
}

/**
 * Forwards connections on a free port of 127.0.0.1 to `target` (host:port), so that one
 * client's link to a server can fail while the server and its other clients go on.
 *
 * @example
 * const proxy = await startTcpProxy("127.0.0.1:6379");
 * proxy.cut(); // this client's Redis is gone; everyone else's is not
 */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  let { hostname, port } = new URL(`tcp://${target}`);
  const open = new Set<Socket>();
  let cut = false;
  const server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: hostname, port: Number(port) });
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      open.add(socket);
      socket.pipe(other);
      socket.on("error", () => other.destroy());
      socket.on("close", () => {
        open.delete(socket);
        other.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port: listening } = server.address() as AddressInfo;
  return {
    redisUrl: `redis://127.0.0.1:${listening}`,
    cut() {
      cut = true;
      for (const socket of open) socket.destroy();
    },
    mend() {
      cut = false;
    },
    retarget(next) {
      ({ hostname, port } = new URL(`tcp://${next}`));
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}

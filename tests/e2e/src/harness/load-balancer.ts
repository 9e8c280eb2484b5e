// A TCP load balancer in the test process, standing in for nginx or HAProxy in front of the
// nodes: round robin over the nodes that are up, the next one when a connection is refused.
// It forwards bytes and nothing else, so websockets pass unchanged (no sticky sessions: the
// SDK uses the websocket transport only).
import { connect, createServer, type AddressInfo, type Socket } from "node:net";

/** Where the balancer may send a connection. */
export interface Backend {
  readonly port: number;
  readonly alive: boolean;
}

/** A running load balancer on 127.0.0.1. */
export interface LoadBalancer {
  /** `http://127.0.0.1:<port>`: what clients connect to. */
  readonly url: string;
  /** Client connections currently forwarded. */
  readonly connections: number;
  /**
   * Cuts every forwarded connection whose first request line carries `?...&label=<label>`,
   * without a close handshake, like a network failure. Returns how many it cut.
   */
  sever(label: string): number;
  close(): Promise<void>;
}

const FIRST_LINE_MAX_BYTES = 8_192;

/**
 * Starts the balancer over `backends()` (read at each connection, so dead nodes drop out).
 *
 * @example
 * const balancer = await startLoadBalancer(() => nodes);
 * createClient({ url: balancer.url });
 */
export async function startLoadBalancer(backends: () => readonly Backend[]): Promise<LoadBalancer> {
  const forwarded = new Map<Socket, { backend: Socket; label: string | undefined }>();
  let turn = 0;

  const forward = (client: Socket): void => {
    client.pause();
    client.on("error", () => undefined);
    const candidates = backends().filter((backend) => backend.alive);
    const start = turn++;
    const attempt = (tried: number): void => {
      const target = candidates[(start + tried) % candidates.length];
      if (tried >= candidates.length || target === undefined || client.destroyed) {
        client.destroy();
        return;
      }
      const backend = connect(target.port, "127.0.0.1");
      backend.once("error", () => {
        // Refused (the node died): try the next one, as nginx's proxy_next_upstream does.
        attempt(tried + 1);
      });
      backend.once("connect", () => {
        backend.removeAllListeners("error");
        splice(client, backend);
      });
    };
    attempt(0);
  };

  const splice = (client: Socket, backend: Socket): void => {
    if (client.destroyed) {
      backend.destroy();
      return;
    }
    const entry = { backend, label: undefined as string | undefined };
    forwarded.set(client, entry);
    let head = "";
    const sniff = (chunk: Buffer) => {
      head += chunk.toString("latin1");
      const end = head.indexOf("\r\n");
      if (end < 0 && head.length < FIRST_LINE_MAX_BYTES) return;
      client.off("data", sniff);
      entry.label = /[?&]label=([^&\s]+)/.exec(head.slice(0, end < 0 ? undefined : end))?.[1];
    };
    client.on("data", sniff);
    const close = () => {
      forwarded.delete(client);
      client.destroy();
      backend.destroy();
    };
    for (const socket of [client, backend]) {
      socket.on("error", close);
      socket.on("close", close);
    }
    client.pipe(backend);
    backend.pipe(client);
  };

  const server = createServer(forward);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return forwarded.size;
    },
    sever(label) {
      let cut = 0;
      for (const [client, entry] of forwarded) {
        if (entry.label !== label) continue;
        // resetAndDestroy sends a TCP RST: the client sees the connection die, not close.
        client.resetAndDestroy();
        entry.backend.resetAndDestroy();
        forwarded.delete(client);
        cut += 1;
      }
      return cut;
    },
    async close() {
      for (const [client, { backend }] of forwarded) {
        client.destroy();
        backend.destroy();
      }
      forwarded.clear();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}

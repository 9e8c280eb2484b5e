import { openUpTo } from "../clients/open-many.js";
import { ThinClient } from "../clients/thin-client.js";
import { CpuWindow } from "../measure/cpu.js";
import { openFilesNow, readOpenFilesLimit, type OpenFilesLimit } from "../measure/limits.js";
import { startServer, type ServerKind } from "../servers/kinds.js";
import { settledMemory } from "./idle-memory.js";

/** Idle connections at scale: how many are asked for, and how they arrive. */
export interface IdleAtScaleSettings {
  readonly connections: number;
  readonly roomSize: number;
  readonly concurrency: number;
  readonly settleMs: number;
  /** Connections per loopback source address (each has ~28k ephemeral ports, shared with whatever else binds there). */
  readonly connectionsPerSourceAddress: number;
}

/** Idle memory per connection at scale, and where the ramp stopped if short of the target. */
export interface IdleAtScaleResult {
  readonly server: ServerKind;
  readonly target: number;
  /** Connections open, logged in and joined when memory was read. */
  readonly reached: number;
  /** Why the ramp stopped short of `target`: a file limit read from /proc, or the first failure. */
  readonly stoppedBecause?: string;
  readonly rssPerConnectionBytes: number;
  readonly heapPerConnectionBytes: number;
  readonly rampSeconds: number;
  readonly serverCpuMsPerConnection: number;
  /** Open-files limits from /proc/PID/limits (undefined: unlimited). */
  readonly openFilesLimit: { readonly server: number | undefined; readonly harness: number | undefined };
  readonly sourceAddresses: readonly string[];
}

// Files a process needs besides its connections (node's own, listeners, pipes, /proc reads).
const SPARE_FILES = 200;

/**
 * Up to `connections` idle guests (connect, log in, join a room), spread over loopback source
 * addresses 127.0.0.2, .3, ..., on a fresh server; memory per connection after GC, as the
 * idle-memory workload reads it. The ramp is capped below the server's and this harness's
 * open-files limits (read from /proc, with a margin) and stops at the first setup that fails;
 * either way the result says how far it got and why.
 *
 * @example
 * const result = await runIdleAtScale("pigeon", { connections: 50_000, roomSize: 10, concurrency: 200, settleMs: 1_000, connectionsPerSourceAddress: 20_000 });
 */
export async function runIdleAtScale(server: ServerKind, settings: IdleAtScaleSettings): Promise<IdleAtScaleResult> {
  const serverProcess = await startServer(server, { tag: "idle-at-scale" });
  let clients: ThinClient[] = [];
  try {
    const limits = { server: readOpenFilesLimit(serverProcess.pid), harness: readOpenFilesLimit("self") };
    const openFilesLimit = { server: limits.server.soft, harness: limits.harness.soft };
    const room = (limit: number | undefined, used: number) => (limit === undefined ? Number.POSITIVE_INFINITY : limit - used - SPARE_FILES);
    const cap = Math.min(settings.connections, room(openFilesLimit.server, 0), room(openFilesLimit.harness, openFilesNow()));
    const described = ({ soft, hard }: OpenFilesLimit) => `${String(soft ?? "unlimited")} (hard limit ${String(hard ?? "unlimited")})`;
    const capped =
      cap < settings.connections
        ? `open-files limit: server ${described(limits.server)}, harness ${described(limits.harness)}; ` +
          `the server asks for 65536 with ulimit -n`
        : undefined;
    const addressCount = Math.max(1, Math.ceil(cap / settings.connectionsPerSourceAddress));
    // Not 127.0.0.1: every other client on the machine takes its ports from there, and a socket
    // bound to an address before connecting needs a port no other socket on it holds.
    const sourceAddresses = Array.from({ length: addressCount }, (_, index) => `127.0.0.${String(index + 2)}`);
    const empty = await settledMemory(serverProcess, settings.settleMs);
    const window = CpuWindow.start([serverProcess.pid]);
    const opened = await openUpTo(Math.max(0, cap), settings.concurrency, async (index) => {
      const client = await ThinClient.connect({
        port: serverProcess.port,
        name: `s${String(index)}`,
        localAddress: sourceAddresses[index % sourceAddresses.length] ?? "127.0.0.2",
      });
      try {
        await client.login();
        await client.join(`scale-${String(Math.floor(index / settings.roomSize))}`);
      } catch (error) {
        client.close();
        throw error;
      }
      return client;
    });
    const { cpuSeconds, wallSeconds } = window.stop();
    clients = opened.clients;
    const reached = clients.length;
    const full = await settledMemory(serverProcess, settings.settleMs);
    const stoppedBecause = opened.failure === undefined ? capped : `a setup failed at ${String(reached)}: ${opened.failure}`;
    return {
      server,
      target: settings.connections,
      reached,
      ...(stoppedBecause === undefined ? {} : { stoppedBecause }),
      rssPerConnectionBytes: (full.rss - empty.rss) / Math.max(1, reached),
      heapPerConnectionBytes: (full.heapUsed - empty.heapUsed) / Math.max(1, reached),
      rampSeconds: wallSeconds,
      serverCpuMsPerConnection: (cpuSeconds * 1000) / Math.max(1, reached),
      openFilesLimit,
      sourceAddresses,
    };
  } finally {
    await serverProcess.kill();
    for (const client of clients) client.close();
  }
}

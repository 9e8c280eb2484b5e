import { setTimeout as sleep } from "node:timers/promises";
import { openMany } from "../clients/open-many.js";
import { ThinClient } from "../clients/thin-client.js";
import { CpuWindow } from "../measure/cpu.js";
import type { LatencySummary } from "../measure/histogram.js";
import { readRssBytes } from "../measure/memory.js";
import { startServer, type ServerKind } from "../servers/kinds.js";
import type { ServerProcess } from "../servers/process.js";
import { noteProfileWindow } from "../servers/profiling.js";

/** How many idle connections, and how they arrive. */
export interface IdleMemorySettings {
  readonly connections: number;
  /** Each connection logs in as a guest and joins a room of this many. */
  readonly roomSize: number;
  /** Connections being set up at once during the ramp. */
  readonly concurrency: number;
  /** Idle time before each memory reading. */
  readonly settleMs: number;
}

/** The connection ramp: how fast connections (connect, login, join) are taken on. */
export interface RampResult {
  readonly connectionsPerSecond: number;
  readonly serverCpuSeconds: number;
  /** Server CPU per connection set up, in milliseconds. */
  readonly serverCpuMsPerConnection: number;
  readonly setupLatency: LatencySummary;
}

/** Idle memory per connection, after GC. */
export interface IdleMemoryResult {
  readonly server: ServerKind;
  readonly connections: number;
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
  /** RSS growth from the empty server to all connections, per connection, once RSS has settled. */
  readonly rssPerConnectionBytes: number;
  /** V8 heap used per connection, after GC: steadier than RSS, which follows V8's and malloc's page caching. */
  readonly heapPerConnectionBytes: number;
  /** How long RSS took to settle after the ramp (V8 and malloc hand pages back over seconds). */
  readonly settleSeconds: number;
  readonly ramp: RampResult;
}

// After a ramp, RSS keeps falling for seconds as V8 shrinks its young generation and malloc
// returns pages: force GC every step until two readings agree within this, or time runs out.
const SETTLED_WITHIN = 0.01;
const SETTLE_LIMIT_MS = 15_000;

/**
 * Idle memory and the connection ramp, on a fresh server: memory after GC, then `connections`
 * guests (connect, log in, join a small room) as fast as `concurrency` allows (the ramp), then
 * memory again once RSS has settled (GC forced by the gc-hook preload, identical for every
 * server; RSS from /proc/PID/status).
 *
 * @example
 * const result = await runIdleMemory("pigeon", { connections: 10_000, roomSize: 10, concurrency: 200, settleMs: 1_500 });
 */
export async function runIdleMemory(server: ServerKind, settings: IdleMemorySettings): Promise<IdleMemoryResult> {
  const serverProcess = await startServer(server, { tag: "memory" });
  let clients: ThinClient[] = [];
  try {
    const empty = await settledMemory(serverProcess, settings.settleMs);
    const window = CpuWindow.start([serverProcess.pid]);
    const opened = await openMany(
      settings.connections,
      settings.concurrency,
      async (index) => {
        const client = await ThinClient.connect({ port: serverProcess.port, name: `i${String(index)}` });
        await client.login();
        await client.join(`idle-${String(Math.floor(index / settings.roomSize))}`);
        return client;
      },
      (client) => {
        client.close();
      },
    );
    const { cpuSeconds, wallSeconds, monotonic } = window.stop();
    if (server === "pigeon") noteProfileWindow("memory", [serverProcess.pid], monotonic);
    clients = opened.clients;
    const full = await settledMemory(serverProcess, settings.settleMs);
    return {
      server,
      connections: settings.connections,
      rssBeforeBytes: empty.rss,
      rssAfterBytes: full.rss,
      rssPerConnectionBytes: (full.rss - empty.rss) / settings.connections,
      heapPerConnectionBytes: (full.heapUsed - empty.heapUsed) / settings.connections,
      settleSeconds: full.seconds,
      ramp: {
        connectionsPerSecond: settings.connections / wallSeconds,
        serverCpuSeconds: cpuSeconds,
        serverCpuMsPerConnection: (cpuSeconds * 1000) / settings.connections,
        setupLatency: opened.setupLatency.summary(),
      },
    };
  } finally {
    await serverProcess.kill();
    for (const client of clients) client.close();
  }
}

/**
 * A server's RSS and heap after GC once RSS has settled: GC every `stepMs` until two readings
 * agree within 1 %, or 15 s.
 *
 * @example
 * const { rss, heapUsed } = await settledMemory(server, 1_000);
 */
export async function settledMemory(server: ServerProcess, stepMs: number): Promise<{ rss: number; heapUsed: number; seconds: number }> {
  const started = performance.now();
  let previous: number | undefined;
  for (;;) {
    await sleep(stepMs);
    const { heapUsed } = await server.memoryReport();
    const rss = readRssBytes(server.pid);
    const seconds = (performance.now() - started) / 1000;
    const settled = previous !== undefined && Math.abs(rss - previous) <= previous * SETTLED_WITHIN;
    if (settled || seconds * 1000 >= SETTLE_LIMIT_MS) return { rss, heapUsed, seconds };
    previous = rss;
  }
}

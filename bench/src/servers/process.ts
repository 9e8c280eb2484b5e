import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { connect, createServer } from "node:net";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { placement } from "../machine/placement.js";

/** A server process the harness started, listening on 127.0.0.1. */
export interface ServerProcess {
  readonly label: string;
  readonly pid: number;
  readonly port: number;
  /** Asks the process for its memory after a forced GC (see gc-hook). */
  memoryReport(): Promise<MemoryReport>;
  /** SIGTERM, then SIGKILL after a grace period; resolves once it has exited. */
  stop(): Promise<void>;
  /** SIGKILL at once (no graceful shutdown storms between runs); resolves once it has exited. */
  kill(): Promise<void>;
  /** The last lines it printed, for error messages. */
  output(): string;
}

/** What the gc-hook preload reports on SIGUSR2, after `gc()`. */
export interface MemoryReport {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

/** How to start a Node server process. */
export interface NodeServerSpec {
  readonly label: string;
  /** The script, and any Node flags that go before it. */
  readonly nodeArgs: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Port the server is told to listen on (it must come up there). */
  readonly port: number;
  /** Core to pin to when the machine has two or more (server core 0 by default). */
  readonly core?: number;
  /** `kill()` stops gracefully instead (a profiled process must exit by itself to write it). */
  readonly gracefulKill?: boolean;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 3_000;
// Pigeon's own shutdown grace is 5 s; the profile is written as it exits.
const PROFILED_STOP_GRACE_MS = 15_000;
const OUTPUT_LINES_KEPT = 40;
const FD_LIMIT = 65_536;
const MEMORY_MARK = "BENCH_MEMORY ";

/** The repository root (bench/ is one level down; this file is in bench/{src,dist}/servers/). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Whether this harness runs from TypeScript sources (tests) rather than the build (bench). */
export const FROM_SOURCE = import.meta.url.endsWith(".ts");

/** A sibling module of the harness, as a path Node can run (the .ts under tsx when from source). */
export function harnessModule(relativeToServers: string): string {
  const file = FROM_SOURCE ? relativeToServers : relativeToServers.replace(/\.ts$/, ".js");
  return fileURLToPath(new URL(file, import.meta.url));
}

/** Node flags every server gets: the gc-hook preload (and tsx when running from source). */
export function baseNodeFlags(): string[] {
  const flags = ["--expose-gc", "--import", harnessModule("./gc-hook.ts")];
  return FROM_SOURCE ? ["--import", "tsx", ...flags] : flags;
}

const running = new Set<ChildProcess>();

/** Kills every server process still running (on exit, Ctrl-C or failure). */
export function killAllServers(): void {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
}

/** A free TCP port on 127.0.0.1 (the OS picks one; taken back at once for the server). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  if (port === 0) throw new Error("no free port");
  return port;
}

/**
 * Starts `node ...nodeArgs` with a high file-descriptor limit (`ulimit -n`, in a bash that then
 * execs node, so the PID is node's), pinned with `taskset` to the server core when there are
 * two or more cores, and waits until it accepts connections on `port`. stdin stays open: the
 * gc-hook makes the server exit when it closes, so nothing outlives the harness.
 *
 * @example
 * const server = await startNodeServer({ label: "bare", nodeArgs: [script], env, port });
 */
export async function startNodeServer(spec: NodeServerSpec): Promise<ServerProcess> {
  const pin = placement().pinArgs(spec.core ?? placement().serverCore);
  const script = `ulimit -n ${FD_LIMIT} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`;
  const child = spawn("bash", ["-c", script, "bash", ...pin, process.execPath, ...spec.nodeArgs], {
    cwd: REPO_ROOT,
    env: spec.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  running.add(child);
  const lines: string[] = [];
  const memoryWaiters: ((report: MemoryReport) => void)[] = [];
  const keep = (line: string) => {
    if (line.startsWith(MEMORY_MARK)) {
      const report = JSON.parse(line.slice(MEMORY_MARK.length)) as MemoryReport;
      for (const waiter of memoryWaiters.splice(0)) waiter(report);
      return;
    }
    lines.push(line);
    if (lines.length > OUTPUT_LINES_KEPT) lines.shift();
  };
  createInterface({ input: child.stdout }).on("line", keep);
  createInterface({ input: child.stderr }).on("line", keep);
  const exited = once(child, "exit").then(() => {
    running.delete(child);
  });
  const output = () => lines.join("\n");
  const stop = async (graceMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${spec.label}: could not start`);
  await waitForPort(spec.port, exited, () => `${spec.label} did not come up on port ${spec.port}:\n${output()}`);

  return {
    label: spec.label,
    pid,
    port: spec.port,
    output,
    memoryReport() {
      const report = new Promise<MemoryReport>((resolve, reject) => {
        memoryWaiters.push(resolve);
        setTimeout(() => {
          reject(new Error(`${spec.label}: no memory report`));
        }, 45_000).unref(); // a GC of a loaded heap on a busy 2-core machine can take a while
      });
      child.kill("SIGUSR2");
      return report;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (spec.gracefulKill) {
        await stop(PROFILED_STOP_GRACE_MS);
        return;
      }
      child.kill("SIGKILL");
      await exited;
    },
    stop: () => stop(STOP_GRACE_MS),
  };
}

async function waitForPort(port: number, exited: Promise<void>, describe: () => string): Promise<void> {
  const state = { gone: false };
  void exited.then(() => {
    state.gone = true;
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (state.gone) throw new Error(describe());
    if (await accepts(port)) return;
    await sleep(50);
  }
  throw new Error(describe());
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => {
      resolve(false);
    });
  });
}

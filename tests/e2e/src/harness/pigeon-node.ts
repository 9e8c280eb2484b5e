// One Pigeon server as a real process, run from source exactly as `pnpm dev` does, so that a
// test can SIGKILL it like a crashed machine.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const MAIN = fileURLToPath(new URL("../../../../apps/server/src/main.ts", import.meta.url));
const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const KEPT_LINES = 40;

const running = new Set<ChildProcessWithoutNullStreams>();
// Whatever a test leaves running dies with the test process, never outlives it.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** How to start a node. Everything else comes from the server's defaults. */
export interface NodeOptions {
  /** PIGEON_NODE_ID. */
  readonly id: string;
  /** Extra environment: PIGEON_STORE, REDIS_URL, PIGEON_REDIS_PREFIX and so on (not LOG_LEVEL). */
  readonly env: Readonly<Record<string, string>>;
}

/** /healthz as a node answers it. */
export interface Health {
  readonly status: number;
  readonly body: { readonly status?: string; readonly storeReachable?: boolean; readonly node?: string };
}

/** A running Pigeon server process. */
export interface PigeonNode {
  readonly id: string;
  /** The process id, for reading its CPU time from /proc. */
  readonly pid: number;
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** True until the process has exited. */
  readonly alive: boolean;
  /** Sends `signal` and resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** GET /healthz. */
  health(): Promise<Health>;
  /** The last log lines and stderr, for failure messages. */
  output(): string;
}

/**
 * Spawns `node --conditions=@source --import tsx apps/server/src/main.ts` on 127.0.0.1, port 0,
 * and resolves once it logs "Pigeon listening" with the port it bound.
 *
 * @example
 * const node = await startPigeonNode({ id: "node-a", env: { PIGEON_STORE: "redis", REDIS_URL: url } });
 * await node.kill("SIGKILL");
 */
export async function startPigeonNode({ id, env }: NodeOptions): Promise<PigeonNode> {
  const child = spawn(process.execPath, ["--conditions=@source", "--import", "tsx", MAIN], {
    cwd: REPO_ROOT,
    // The bound port is read from an info line, so the level stays info.
    // The harness asks /healthz from 127.0.0.1, which may see its details.
    env: { ...process.env, PIGEON_HEALTH_ALLOW_FROM: "127.0.0.1", ...env, LOG_LEVEL: "info", PORT: "0", HOST: "127.0.0.1", PIGEON_NODE_ID: id },
  });
  running.add(child);
  const lines: string[] = [];
  // PIGEON_E2E_LOG_DIR=dir keeps every node's whole log there, for a failure to be read after.
  const logDir = process.env.PIGEON_E2E_LOG_DIR;
  const logFile = logDir === undefined ? undefined : createWriteStream(join(logDir, `${id}-${child.pid ?? "unknown"}.log`));
  const keep = (line: string) => {
    logFile?.write(`${line}\n`);
    lines.push(line);
    if (lines.length > KEPT_LINES) lines.shift();
  };
  const exited = once(child, "exit").then(() => {
    running.delete(child);
    logFile?.end();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    keep(`stderr: ${chunk.toString().trimEnd()}`);
  });
  const output = () => `${id}:\n${lines.join("\n")}`;
  let port: number;
  try {
    port = await listeningPort(child, keep, exited);
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    throw new Error(`${id} did not start: ${String(error)}\n${output()}`);
  }
  return {
    id,
    pid: child.pid ?? -1,
    port,
    url: `http://127.0.0.1:${port}`,
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
    async health() {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      return { status: response.status, body: (await response.json()) as Health["body"] };
    },
    output,
  };
}

/** Reads JSON log lines (keeping them for diagnostics) until "Pigeon listening" names the port. */
function listeningPort(child: ChildProcessWithoutNullStreams, keep: (line: string) => void, exited: Promise<void>): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no "Pigeon listening" within ${STARTUP_TIMEOUT_MS} ms`));
    }, STARTUP_TIMEOUT_MS);
    void exited.then(() => {
      reject(new Error("the process exited before listening"));
    });
    // The reader stays attached for the process's life: a full stdout pipe would block the server.
    createInterface({ input: child.stdout }).on("line", (line) => {
      keep(line);
      const port = portOf(line);
      if (port === undefined) return;
      clearTimeout(timer);
      resolve(port);
    });
  });
}

function portOf(line: string): number | undefined {
  try {
    const entry: unknown = JSON.parse(line);
    if (typeof entry !== "object" || entry === null || !("msg" in entry) || !("port" in entry)) return undefined;
    const { msg, port } = entry;
    return typeof msg === "string" && msg.startsWith("Pigeon listening") && typeof port === "number" ? port : undefined;
  } catch {
    return undefined;
  }
}

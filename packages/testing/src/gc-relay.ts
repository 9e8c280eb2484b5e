import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { RelayConfigInput } from "@pigeon/relay";

const MAIN = fileURLToPath(new URL("./gc-relay-main.ts", import.meta.url));
const REPLY_LIMIT_MS = 30_000;

/** What the parent asks a relay process. */
export type GcRelayRequest = { readonly type: "heap" } | { readonly type: "state"; readonly rooms: readonly string[]; readonly names: readonly string[] };

/** What the relay process answers. */
export type GcRelayReply =
  | { readonly type: "listening"; readonly port: number }
  | { readonly type: "heap"; readonly heapUsed: number; readonly sockets: number }
  | {
      readonly type: "state";
      readonly sockets: number;
      /** Entries held in any room. */
      readonly heldEntries: number;
      /** Members (keyed, or present) of the rooms asked about. */
      readonly members: number;
      /** Entries held in the rooms asked about. */
      readonly held: number;
      /** Rooms the names asked about are still members of. */
      readonly memberships: number;
    }
  | { readonly type: "error"; readonly message: string };

/** A relay (the memory store, or Redis by its config) in a child process run with --expose-gc. */
export interface GcRelay {
  readonly url: string;
  /** The relay process's pid, for what the kernel counts of it (/proc/PID/io). */
  readonly pid: number;
  /** The relay's heap in bytes after full collections, and its open connections. */
  heap(): Promise<{ heapUsed: number; sockets: number }>;
  /** What the store still holds for `rooms` and `names`, and in all. */
  state(rooms: readonly string[], names: readonly string[]): Promise<Extract<GcRelayReply, { type: "state" }>>;
  close(): Promise<void>;
}

/**
 * Starts a relay in a child process with --expose-gc on 127.0.0.1, port 0, from source. Its
 * soft fd limit is raised to `fds` where the hard limit allows, since a soak holds one socket per
 * client there. The caller closes it.
 *
 * @example
 * const relay = await startGcRelay({}, 4_096);
 * const { heapUsed } = await relay.heap();
 */
export async function startGcRelay(config: RelayConfigInput = {}, fds = 1_024): Promise<GcRelay> {
  const child = fork(MAIN, [], {
    // `ulimit -n` is a shell builtin: raise the soft limit, then become node.
    execPath: "/bin/sh",
    execArgv: ["-c", `ulimit -n ${fds} 2>/dev/null || ulimit -n "$(ulimit -H -n)" 2>/dev/null; exec "$0" --expose-gc --conditions=@source --import tsx "$@"`, process.execPath],
    env: { ...process.env, PIGEON_GC_RELAY_CONFIG: JSON.stringify(config) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const listening = await reply(child);
  if (listening.type !== "listening") throw new Error(`the relay process did not start: ${JSON.stringify(listening)}`);
  const ask = async <T extends GcRelayReply["type"]>(request: GcRelayRequest, type: T) => {
    const answer = reply(child);
    child.send(request);
    const got = await answer;
    if (got.type !== type) throw new Error(`the relay process answered ${JSON.stringify(got)}`);
    return got as Extract<GcRelayReply, { type: T }>;
  };
  return {
    url: `http://127.0.0.1:${listening.port}`,
    pid: child.pid ?? 0,
    heap: () => ask({ type: "heap" }, "heap"),
    state: (rooms, names) => ask({ type: "state", rooms, names }, "state"),
    async close() {
      if (child.exitCode !== null) return;
      const exited = once(child, "exit");
      child.disconnect();
      await exited;
    },
  };
}

/** The child's next message; an error reply if it exits first or says nothing in time. */
function reply(child: ChildProcess): Promise<GcRelayReply> {
  return new Promise((resolve) => {
    const done = (message: GcRelayReply) => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message);
    };
    const onMessage = (message: GcRelayReply) => {
      done(message);
    };
    const onExit = () => {
      done({ type: "error", message: "the relay process exited" });
    };
    const timer = setTimeout(() => {
      done({ type: "error", message: `no answer within ${REPLY_LIMIT_MS} ms` });
    }, REPLY_LIMIT_MS);
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
}

/**
 * This process's soft limit on open files (`ulimit -n`), which its child processes inherit;
 * Infinity when unlimited.
 */
export function openFileLimit(): number {
  const limit = execFileSync("/bin/sh", ["-c", "ulimit -n"], { encoding: "utf8" }).trim();
  return limit === "unlimited" ? Infinity : Number(limit);
}

import { execFileSync, spawnSync } from "node:child_process";
import { cpus } from "node:os";

/** Where servers and clients run: pinned to separate cores when the machine allows it. */
export interface Placement {
  /** Whether processes are pinned (two or more cores and `taskset` available). */
  readonly pinned: boolean;
  readonly cores: number;
  readonly serverCore: number;
  readonly clientCore: number;
  /** Why (or why not) pinned, for the report. */
  readonly note: string;
  /** The command prefix that pins a process to `core` (empty when not pinning). */
  pinArgs(core: number): string[];
}

let cached: Placement | undefined;

/**
 * Decides pinning once: servers on core 0 and this harness (every client) on core 1, with
 * `taskset` from util-linux, when the machine has two or more cores.
 *
 * @example
 * spawn(...placement().pinArgs(placement().serverCore), "node", ["server.js"]);
 */
export function placement(): Placement {
  cached ??= decide();
  return cached;
}

function decide(): Placement {
  // os.cpus(), not availableParallelism(): the latter follows this process's own affinity.
  const cores = cpus().length;
  const hasTaskset = spawnSync("taskset", ["--version"], { stdio: "ignore" }).status === 0;
  const pinned = cores >= 2 && hasTaskset;
  const note = pinned
    ? `servers on core 0, clients on core 1 (taskset), ${cores} cores`
    : cores < 2
      ? "one core: servers and clients share it (not pinned)"
      : "taskset not found (util-linux): not pinned";
  return {
    pinned,
    cores,
    serverCore: 0,
    clientCore: 1,
    note,
    pinArgs: (core) => (pinned ? ["taskset", "-c", String(core)] : []),
  };
}

/** Pins this process, every thread of it, to the client core (no-op when not pinning). */
export function pinThisProcessToClientCore(): void {
  const { pinned, clientCore } = placement();
  if (!pinned) return;
  execFileSync("taskset", ["-a", "-p", "-c", String(clientCore), String(process.pid)], { stdio: "ignore" });
}

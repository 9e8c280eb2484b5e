import { readFileSync } from "node:fs";

/**
 * This process's ancestors, each with the parent it has now (read from /proc on Linux; only
 * this process's own parent elsewhere). pid 1 and what it adopted are left out: they never
 * change parents.
 */
function ancestry(): Map<number, number> {
  const chain = new Map<number, number>([[process.pid, process.ppid]]);
  for (let pid = process.ppid; pid > 1 && !chain.has(pid); ) {
    const parent = parentOf(pid);
    if (parent === undefined) break;
    chain.set(pid, parent);
    pid = parent;
  }
  return chain;
}

/** The parent of `pid` from /proc, or undefined when it is gone (or there is no /proc). */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (command) state ppid ...": the command may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

/**
 * Calls `onGone` once when a process that started this one goes away: this process's parent,
 * or (on Linux) any ancestor, is re-parented or gone. `npx pnpm start` runs npm, a shell,
 * pnpm and the relay; a supervisor that stops npm leaves the others running with none of
 * them told, and neither npm nor pnpm passes SIGTERM on.
 *
 * @example
 * watchAncestors(() => shutdown("parent gone"), 500);
 */
export function watchAncestors(onGone: () => void, intervalMs: number): void {
  const initial = ancestry();
  const timer = setInterval(() => {
    for (const [pid, parent] of initial) {
      const now = pid === process.pid ? process.ppid : parentOf(pid);
      if (now === parent) continue;
      clearInterval(timer);
      onGone();
      return;
    }
  }, intervalMs);
  timer.unref();
}

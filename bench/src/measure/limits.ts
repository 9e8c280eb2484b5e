import { readFileSync, readdirSync } from "node:fs";

/**
 * The soft "Max open files" limit in a /proc/PID/limits text (undefined when unlimited).
 *
 * @example
 * parseOpenFilesLimit("Max open files            20000                20000                files     \n") // 20000
 */
export function parseOpenFilesLimit(limits: string): number | undefined {
  const match = /^Max open files\s+(\S+)\s+\S+\s+files/m.exec(limits);
  if (!match?.[1]) throw new Error("no 'Max open files' line in /proc/PID/limits");
  return match[1] === "unlimited" ? undefined : Number(match[1]);
}

/** How many files process `pid` may hold open (its soft limit), from /proc. */
export function readOpenFilesLimit(pid: number | "self"): number | undefined {
  return parseOpenFilesLimit(readFileSync(`/proc/${String(pid)}/limits`, "utf8"));
}

/** How many files this process holds open now. */
export function openFilesNow(): number {
  return readdirSync("/proc/self/fd").length;
}

import { readFileSync, readdirSync } from "node:fs";

/** A process's open-files limits (undefined: unlimited); only root may raise the hard one. */
export interface OpenFilesLimit {
  readonly soft: number | undefined;
  readonly hard: number | undefined;
}

/**
 * The "Max open files" limits in a /proc/PID/limits text.
 *
 * @example
 * parseOpenFilesLimit("Max open files            1024                 20000                files     \n") // { soft: 1024, hard: 20000 }
 */
export function parseOpenFilesLimit(limits: string): OpenFilesLimit {
  const match = /^Max open files\s+(\S+)\s+(\S+)\s+files/m.exec(limits);
  if (!match?.[1] || !match[2]) throw new Error("no 'Max open files' line in /proc/PID/limits");
  const value = (text: string) => (text === "unlimited" ? undefined : Number(text));
  return { soft: value(match[1]), hard: value(match[2]) };
}

/** How many files process `pid` may hold open, from /proc. */
export function readOpenFilesLimit(pid: number | "self"): OpenFilesLimit {
  return parseOpenFilesLimit(readFileSync(`/proc/${String(pid)}/limits`, "utf8"));
}

/** How many files this process holds open now. */
export function openFilesNow(): number {
  return readdirSync("/proc/self/fd").length;
}

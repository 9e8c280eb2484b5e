import { readFileSync } from "node:fs";

/**
 * The resident set size in a /proc/PID/status text, in bytes (the kernel reports kB).
 *
 * @example
 * parseVmRss("Name:\tnode\nVmRSS:\t  51200 kB\n") // 52428800
 */
export function parseVmRss(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match?.[1]) throw new Error("no VmRSS line in /proc/PID/status");
  return Number(match[1]) * 1024;
}

/** Resident memory of process `pid` now, in bytes, from /proc/PID/status. */
export function readRssBytes(pid: number): number {
  return parseVmRss(readFileSync(`/proc/${pid}/status`, "utf8"));
}

import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { MonotonicWindow } from "../measure/cpu.js";

let profileDir: string | undefined;
const taggedDirs = new Set<string>();
const windows = new Map<string, MonotonicWindow>();

/**
 * From now on, every Pigeon process the harness starts writes a V8 CPU profile
 * (`node --cpu-prof`) into `dir/<tag>/`, and is stopped gracefully so that it can.
 * The baselines are never profiled: only Pigeon's own cost is under study.
 *
 * @example
 * profilePigeonInto("bench/results/profiles");
 */
export function profilePigeonInto(dir: string): void {
  profileDir = dir;
}

/** Whether Pigeon processes are being profiled. */
export function profilingPigeon(): boolean {
  return profileDir !== undefined;
}

/** The Node flags that make a Pigeon process tagged `tag` write its CPU profile (none when off). */
export function pigeonProfileFlags(tag: string): string[] {
  if (profileDir === undefined) return [];
  const dir = join(profileDir, safe(tag));
  // Profiles of an earlier run would be summarised as if they were this run's.
  if (!taggedDirs.has(safe(tag))) rmSync(dir, { recursive: true, force: true });
  taggedDirs.add(safe(tag));
  mkdirSync(dir, { recursive: true });
  return ["--cpu-prof", `--cpu-prof-dir=${dir}`];
}

/**
 * Notes the measurement window of a profiled run, so that its summary leaves out setup and
 * teardown (joining a room of 1,000 costs far more than the measured traffic). No-op when off.
 */
export function noteProfileWindow(tag: string, pids: readonly number[], window: MonotonicWindow): void {
  if (profileDir === undefined) return;
  for (const pid of pids) windows.set(`${safe(tag)}:${String(pid)}`, window);
}

/** A profiled tag: where its profiles are, and the measurement window of each process. */
export interface ProfiledTag {
  readonly tag: string;
  readonly dir: string;
  readonly windowOf: (pid: number) => MonotonicWindow | undefined;
}

/** Every profiled tag so far. */
export function profiledTags(): ProfiledTag[] {
  const root = profileDir;
  if (root === undefined) return [];
  return [...taggedDirs].map((tag) => ({
    tag,
    dir: join(root, tag),
    windowOf: (pid) => windows.get(`${tag}:${String(pid)}`),
  }));
}

function safe(tag: string): string {
  return tag.replace(/[^\w.-]+/g, "-");
}

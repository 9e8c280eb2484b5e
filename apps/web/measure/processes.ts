import { readdir, readFile } from "node:fs/promises";

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux this runs on.

/** utime + stime of one process, seconds, and its parent; undefined once it is gone. */
async function statOf(pid: number): Promise<{ ppid: number; cpu: number } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command sits in parentheses and may hold spaces: the fields start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ppid = Number(fields[1]);
    const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    return { ppid, cpu };
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user + system) used so far by the Chromium that runs the profile in
 * `profileDir`: its browser process (found by its `--user-data-dir`) and every descendant
 * (renderer, GPU, network and utility processes). Linux only; 0 where /proc is missing.
 */
export async function chromiumCpuSeconds(profileDir: string): Promise<number> {
  let pids: number[];
  try {
    pids = (await readdir("/proc")).filter((entry) => /^\d+$/u.test(entry)).map(Number);
  } catch {
    return 0;
  }
  const stats = new Map<number, { ppid: number; cpu: number }>();
  const roots: number[] = [];
  for (const pid of pids) {
    const stat = await statOf(pid);
    if (stat === undefined) continue;
    stats.set(pid, stat);
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    const args = cmdline.split("\0");
    if (args.includes(`--user-data-dir=${profileDir}`) && !args.some((arg) => arg.startsWith("--type="))) roots.push(pid);
  }
  const inTree = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, { ppid }] of stats) {
      if (!inTree.has(pid) && inTree.has(ppid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  let total = 0;
  for (const pid of inTree) total += stats.get(pid)?.cpu ?? 0;
  return total;
}

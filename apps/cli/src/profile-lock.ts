import { mkdir, open, readFile, rm } from "node:fs/promises";
import { unlinkSync } from "node:fs";
import { dirname } from "node:path";
import { CliError, ExitCode } from "./exit-codes.js";

/**
 * Holds a name's encrypted-room state for this process alone, until it exits. In an MLS group a key is one
 * member with one set of message keys: two processes sending as the same name from the same
 * state would reuse message keys (AES-GCM nonces), which breaks the encryption. So one
 * `pigeon` process per name at a time: a second one is refused with a clear message. A lock
 * left by a process that died (kill -9, a crash) is taken over: it names its process id, and
 * a process that no longer exists holds nothing.
 *
 * @example
 * await lockProfile(join(GROUPS_DIR, "alice.lock"), "alice"); // throws PROFILE_BUSY if taken
 */
export async function lockProfile(path: string, name: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const file = await open(path, "wx", 0o600);
      await file.writeFile(`${process.pid}\n`);
      await file.close();
      // Released on every way out, Ctrl-C and uncaught errors included.
      process.once("exit", () => {
        try {
          unlinkSync(path);
        } catch {
          // Already gone.
        }
      });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = await holderOf(path);
      if (holder !== undefined && alive(holder)) {
        throw new CliError(
          ExitCode.PROFILE_BUSY,
          `another pigeon process (pid ${holder}) is running as ${name}; an end-to-end encrypted identity can be used by one process at a time (stop that one first)`,
        );
      }
      // The holder is gone: the lock is stale.
      await rm(path, { force: true });
    }
  }
  throw new CliError(ExitCode.PROFILE_BUSY, `could not lock ${path}: another pigeon process keeps taking it`);
}

async function holderOf(path: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(path, "utf8")).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

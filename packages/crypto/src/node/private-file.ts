import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Private files (identities, pins) are readable by their owner only.
 *
 * @example
 * (await stat(path)).mode & 0o777 // PRIVATE_FILE_MODE
 */
export const PRIVATE_FILE_MODE = 0o600;
/**
 * Directories created for private files are the owner's only.
 *
 * @example
 * await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
 */
export const PRIVATE_DIR_MODE = 0o700;

const isPosix = process.platform !== "win32";

// A temporary file is the file's own name, 6 random bytes in hex, and ".tmp".
const TEMPORARY = /\.[0-9a-f]{12}\.tmp$/u;

/** Whether a file system call failed because the file or directory is not there. */
export function isMissing(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ENOENT";
}

/**
 * A new name for {@link writePrivateFile}'s temporary file beside `path`.
 *
 * @example
 * temporaryPathOf("/x/team.json") // "/x/team.json.1f945d576918.tmp"
 */
export function temporaryPathOf(path: string): string {
  return `${path}.${randomBytes(6).toString("hex")}.tmp`;
}

/**
 * Whether a file name is one of {@link writePrivateFile}'s temporary files: what a process that
 * died mid-write leaves beside the file it was replacing.
 *
 * @example
 * isPrivateTemporary("team.json.1f945d576918.tmp") // true
 */
export function isPrivateTemporary(name: string): boolean {
  return TEMPORARY.test(name);
}

/**
 * Reads a private file as UTF-8; undefined when there is none. On POSIX systems a file others
 * may read is refused with the error `openToOthers` makes, as ssh does for private keys.
 *
 * @example
 * const text = await readPrivateFile(path, (message) => new InvalidIdentityError(message));
 */
export async function readPrivateFile(path: string, openToOthers: (message: string) => Error): Promise<string | undefined> {
  try {
    if (isPosix) {
      const { mode } = await stat(path);
      if ((mode & 0o077) !== 0) {
        const shown = (mode & 0o777).toString(8).padStart(4, "0");
        throw openToOthers(`${path} is open to others (mode ${shown}); run chmod 600 on it`);
      }
    }
    return await readFile(path, "utf8");
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/**
 * Writes a private file with mode 0600, atomically: a temporary file beside it is written,
 * flushed and renamed over it, so a reader never sees half of it and a crash never leaves
 * one. Missing directories are created with mode 0700.
 *
 * @example
 * await writePrivateFile(path, `${json}\n`);
 */
export async function writePrivateFile(path: string, contents: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  const temporary = temporaryPathOf(path);
  try {
    // "wx": never through an existing file or link; the mode is set at creation, so the
    // contents are never readable by others, not even for a moment.
    const file = await open(temporary, "wx", PRIVATE_FILE_MODE);
    try {
      await file.writeFile(contents, "utf8");
      await file.sync();
    } finally {
      await file.close();
    }
    // The umask can only narrow the mode, but a chmod makes the result certain.
    if (isPosix) await chmod(temporary, PRIVATE_FILE_MODE);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

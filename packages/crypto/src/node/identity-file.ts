import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { decodeIdentity, encodeIdentity, InvalidIdentityError, type Identity } from "../identity-document.js";

/**
 * Identity files are readable by their owner only.
 *
 * @example
 * (await stat(path)).mode & 0o777 // IDENTITY_FILE_MODE
 */
export const IDENTITY_FILE_MODE = 0o600;
/**
 * Directories created for identity files are the owner's only.
 *
 * @example
 * await mkdir(dir, { recursive: true, mode: IDENTITY_DIR_MODE });
 */
export const IDENTITY_DIR_MODE = 0o700;

const isPosix = process.platform !== "win32";

/**
 * Reads an identity file; undefined when there is none. Throws {@link InvalidIdentityError}
 * when it is not an identity, or (on POSIX systems) when others may read it, as ssh does for
 * private keys: a key others could read may already be someone else's.
 *
 * @example
 * const identity = await readIdentityFile("/home/alice/.config/pigeon/identities/alice.json");
 */
export async function readIdentityFile(path: string): Promise<Identity | undefined> {
  let text: string;
  try {
    if (isPosix) {
      const { mode } = await stat(path);
      if ((mode & 0o077) !== 0) {
        const shown = (mode & 0o777).toString(8).padStart(4, "0");
        throw new InvalidIdentityError(`${path} is open to others (mode ${shown}); run chmod 600 on it`);
      }
    }
    text = await readFile(path, "utf8");
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  try {
    return decodeIdentity(text);
  } catch (error) {
    if (error instanceof InvalidIdentityError) throw new InvalidIdentityError(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * Writes an identity file with mode 0600, atomically: a temporary file beside it is written,
 * flushed and renamed over it, so a reader never sees half a key and a crash never leaves
 * one. Missing directories are created with mode 0700.
 *
 * @example
 * await writeIdentityFile(path, { name: "alice", key: createIdentityKey() });
 */
export async function writeIdentityFile(path: string, identity: Identity): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: IDENTITY_DIR_MODE });
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    // "wx": never through an existing file or link; the mode is set at creation, so the
    // key is never readable by others, not even for a moment.
    const file = await open(temporary, "wx", IDENTITY_FILE_MODE);
    try {
      await file.writeFile(`${encodeIdentity(identity)}\n`, "utf8");
      await file.sync();
    } finally {
      await file.close();
    }
    // The umask can only narrow the mode, but a chmod makes the result certain.
    if (isPosix) await chmod(temporary, IDENTITY_FILE_MODE);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ENOENT";
}

import { decodeIdentity, encodeIdentity, InvalidIdentityError, type Identity } from "../identity-document.js";
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, readPrivateFile, writePrivateFile } from "./private-file.js";

/**
 * Identity files are readable by their owner only.
 *
 * @example
 * (await stat(path)).mode & 0o777 // IDENTITY_FILE_MODE
 */
export const IDENTITY_FILE_MODE = PRIVATE_FILE_MODE;
/**
 * Directories created for identity files are the owner's only.
 *
 * @example
 * await mkdir(dir, { recursive: true, mode: IDENTITY_DIR_MODE });
 */
export const IDENTITY_DIR_MODE = PRIVATE_DIR_MODE;

/**
 * Reads an identity file; undefined when there is none. Throws {@link InvalidIdentityError}
 * when it is not an identity, or (on POSIX systems) when others may read it, as ssh does for
 * private keys: a key others could read may already be someone else's.
 *
 * @example
 * const identity = await readIdentityFile("/home/alice/.config/pigeon/identities/alice.json");
 */
export async function readIdentityFile(path: string): Promise<Identity | undefined> {
  const text = await readPrivateFile(path, (message) => new InvalidIdentityError(message));
  if (text === undefined) return undefined;
  try {
    return decodeIdentity(text);
  } catch (error) {
    if (error instanceof InvalidIdentityError) throw new InvalidIdentityError(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * Writes an identity file with mode 0600, atomically (see {@link writePrivateFile}); missing
 * directories are created with mode 0700.
 *
 * @example
 * await writeIdentityFile(path, { name: "alice", key: createIdentityKey() });
 */
export function writeIdentityFile(path: string, identity: Identity): Promise<void> {
  return writePrivateFile(path, `${encodeIdentity(identity)}\n`);
}

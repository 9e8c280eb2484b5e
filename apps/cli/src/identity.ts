import { mkdir, rename, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createIdentityKey, InvalidIdentityError, type Identity, type IdentityKey } from "@pigeon/crypto";
import { FileKeyStore, readIdentityFile, writeIdentityFile } from "@pigeon/crypto/node";
import { GROUPS_DIR, IDENTITIES_DIR, PINS_DIR } from "./env.js";
import { CliError, ExitCode } from "./exit-codes.js";
import type { IdentityOptions } from "./options.js";
import { serverFiles, type ServerFiles } from "./server-files.js";
import type { Terminal } from "./terminal.js";

/**
 * The key to log in with: none for `--guest`; else the `--identity` file (used on any server,
 * since the user named it), or the name's file for this server in the identities directory,
 * created (mode 0600) on first use. A file made for another name is refused, so that one typo
 * cannot spend alice's key on "alcie".
 */
export async function resolveIdentity(
  options: IdentityOptions & { server: string },
  name: string,
  terminal: Terminal,
): Promise<IdentityKey | undefined> {
  if (options.guest) return undefined;
  let path = options.identity;
  if (path === undefined) {
    const files = serverFiles(options.server);
    path = defaultIdentityPath(name, files);
    await adoptSharedKey(name, files, path, terminal);
  }
  const existing = await read(path);
  if (existing !== undefined) {
    if (fold(existing.name) !== fold(name)) {
      throw new CliError(ExitCode.INVALID_INPUT, `${path} is the identity of ${existing.name}, not ${name}`);
    }
    return existing.key;
  }
  const created: Identity = { name, key: createIdentityKey() };
  await writeIdentityFile(path, created);
  terminal.status(`created a new identity for ${name} in ${path}`);
  return created.key;
}

/** The identity file a name gets on a server when `--identity` is not given. */
export function defaultIdentityPath(name: string, files: ServerFiles): string {
  try {
    return new FileKeyStore(files.identities).pathOf(fold(name));
  } catch (cause) {
    throw new CliError(ExitCode.INVALID_INPUT, `${name} cannot name an identity file; use --identity FILE (${String(cause)})`);
  }
}

/**
 * Before keys were kept per server, a name had one key file (and one folder of group state, one
 * file of pins) for every server. The first server used after the change takes them over, so
 * that nobody loses the name their key holds there; any other server gets a new key.
 */
async function adoptSharedKey(name: string, files: ServerFiles, path: string, terminal: Terminal): Promise<void> {
  const profile = fold(name);
  const shared = join(IDENTITIES_DIR, `${profile}.json`);
  if ((await exists(path)) || !(await exists(shared))) return;
  await move(shared, path);
  await move(join(GROUPS_DIR, profile), join(files.groups, profile));
  await move(join(PINS_DIR, `${profile}.json`), join(files.pins, `${profile}.json`));
  terminal.status(`${name}'s key (kept for every server until now) is now the key for ${files.origin} only: ${path}`);
}

async function move(from: string, to: string): Promise<void> {
  if (!(await exists(from))) return;
  await mkdir(dirname(to), { recursive: true, mode: 0o700 });
  await rename(from, to);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function read(path: string): Promise<Identity | undefined> {
  try {
    return await readIdentityFile(path);
  } catch (error) {
    if (error instanceof InvalidIdentityError) throw new CliError(ExitCode.INVALID_INPUT, error.message);
    throw error;
  }
}

// The server compares names case-folded, so "Alice" and "alice" are one identity and one file.
function fold(name: string): string {
  return name.normalize("NFKC").toLowerCase();
}

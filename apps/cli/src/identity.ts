import { createIdentityKey, InvalidIdentityError, type Identity, type IdentityKey } from "@pigeon/crypto";
import { FileKeyStore, readIdentityFile, writeIdentityFile } from "@pigeon/crypto/node";
import { IDENTITIES_DIR } from "./env.js";
import { CliError, ExitCode } from "./exit-codes.js";
import type { IdentityOptions } from "./options.js";
import type { Terminal } from "./terminal.js";

/**
 * The key to log in with: none for `--guest`; else the `--identity` file, or the name's file
 * in the identities directory, created (mode 0600) on first use. A file made for another
 * name is refused, so that one typo cannot spend alice's key on "alcie".
 */
export async function resolveIdentity(options: IdentityOptions, name: string, terminal: Terminal): Promise<IdentityKey | undefined> {
  if (options.guest) return undefined;
  const path = options.identity ?? defaultIdentityPath(name);
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

/** The identity file a name gets when `--identity` is not given. */
export function defaultIdentityPath(name: string): string {
  try {
    return new FileKeyStore(IDENTITIES_DIR).pathOf(fold(name));
  } catch (cause) {
    throw new CliError(ExitCode.INVALID_INPUT, `${name} cannot name an identity file; use --identity FILE (${String(cause)})`);
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

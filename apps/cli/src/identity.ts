import { createIdentityKey, InvalidIdentityError, type Identity, type IdentityKey } from "@pigeon/crypto";
import { FileKeyStore, readIdentityFile, writeIdentityFile } from "@pigeon/crypto/node";
import { Option, type Command } from "commander";
import { IDENTITIES_DIR } from "./env.js";
import { CliError, ExitCode } from "./exit-codes.js";
import type { Terminal } from "./terminal.js";

/** `--identity` and `--guest`, as commander hands them over. */
export interface IdentityOptions {
  identity?: string;
  guest?: true;
}

/** Adds `--identity FILE` and `--guest` to a command. */
export function withIdentityOptions(command: Command): Command {
  return command
    .addOption(new Option("--identity <file>", "your identity key file (default: one per name in the config directory, created on first use)").conflicts("guest"))
    .addOption(new Option("--guest", "log in as a guest: live messages only, nothing held for you"));
}

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

import { join } from "node:path";
import { serverOrigin } from "@pigeon/protocol";
import { GROUPS_DIR, IDENTITIES_DIR, PINS_DIR } from "./env.js";
import { CliError, ExitCode } from "./exit-codes.js";

/** Where a name's files for one server live: each kind of file under a folder per server. */
export interface ServerFiles {
  /** The server's origin, as keyed logins sign it. */
  readonly origin: string;
  /** Identity keys, one `<name>.json` per name. */
  readonly identities: string;
  /** Each name's encrypted rooms' group state, and its one-process lock. */
  readonly groups: string;
  /** The keys each name pinned on first use. */
  readonly pins: string;
}

/**
 * The folders of one server's files. A key is kept per server, so that two servers cannot tell
 * that one person uses both from a shared key, and group state and pins are per server since
 * groups and members are. The folder is the origin with what file systems dislike replaced:
 * `http://localhost:3000` keeps its files under `http_localhost_3000`.
 *
 * @example
 * serverFiles("http://localhost:3000").identities // ~/.config/pigeon/identities/http_localhost_3000
 */
export function serverFiles(server: string): ServerFiles {
  let origin: string;
  try {
    origin = serverOrigin(server);
  } catch {
    throw new CliError(ExitCode.USAGE, `--server ${server} is not a URL (for example http://localhost:3000)`);
  }
  const folder = serverFolder(origin);
  return {
    origin,
    identities: join(IDENTITIES_DIR, folder),
    groups: join(GROUPS_DIR, folder),
    pins: join(PINS_DIR, folder),
  };
}

/**
 * The folder name of a server's files: its origin with what file systems dislike replaced.
 *
 * @example
 * serverFolder("http://localhost:3000") // "http_localhost_3000"
 */
export function serverFolder(server: string): string {
  return serverOrigin(server).replace("://", "_").replace(/[^A-Za-z0-9.-]/g, "_");
}

// The one place the CLI reads the environment.
import { homedir } from "node:os";
import { join } from "node:path";

/** The server to use when `--server` is not given: `PIGEON_SERVER`, else the local default. */
export const DEFAULT_SERVER = process.env.PIGEON_SERVER ?? "http://localhost:3000";

/**
 * Where pigeon keeps its files: `PIGEON_CONFIG_DIR`, else `$XDG_CONFIG_HOME/pigeon`, else
 * `~/.config/pigeon`.
 */
export const CONFIG_DIR = configDir(process.env);

/** Where identity keys live: a folder per server, one `<name>.json` per name in it. */
export const IDENTITIES_DIR = join(CONFIG_DIR, "identities");

/** Where each name keeps its encrypted rooms' group state: a folder per server, where `<name>/` holds a file per room. */
export const GROUPS_DIR = join(CONFIG_DIR, "groups");

/** Where each name keeps the keys it pinned on first use: a folder per server, `<name>.json` in it. */
export const PINS_DIR = join(CONFIG_DIR, "pins");

function configDir(env: NodeJS.ProcessEnv): string {
  if (env.PIGEON_CONFIG_DIR) return env.PIGEON_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, "pigeon");
  return join(homedir(), ".config", "pigeon");
}

/** Whether stdin and stdout are both a terminal: an interactive session (prompts and redraws only then). */
export const interactive = (): boolean => process.stdin.isTTY && process.stdout.isTTY;

// The one place the CLI reads the environment.

/** The server to use when `--server` is not given: `PIGEON_SERVER`, else the local default. */
export const DEFAULT_SERVER = process.env.PIGEON_SERVER ?? "http://localhost:3000";

/** Whether stdin and stdout are both a terminal: an interactive session (prompts and redraws only then). */
export const interactive = (): boolean => process.stdin.isTTY && process.stdout.isTTY;

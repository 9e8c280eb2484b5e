import { Name, Room, Text } from "@pigeon/protocol";
import { CliError, ExitCode } from "./exit-codes.js";

// Input is checked with the protocol's own schemas before anything connects, so a typo fails
// at once with the server's wording and its own exit code.
function check(schema: typeof Name, what: string, value: string): string {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  // Messages can be long; names and rooms are short enough to quote back.
  const shown = what === "message" ? "" : ` "${value}"`;
  throw new CliError(ExitCode.INVALID_INPUT, `invalid ${what}${shown}: ${parsed.error.issues[0]?.message ?? "not allowed"}`);
}

/** A valid user name, or a CliError with INVALID_INPUT. */
export const checkName = (value: string): string => check(Name, "name", value);

/** A valid room name, or a CliError with INVALID_INPUT. */
export const checkRoom = (value: string): string => check(Room, "room", value);

/** Valid message text, or a CliError with INVALID_INPUT. */
export const checkText = (value: string): string => check(Text, "message", value);

/** A server URL (http, https, ws or wss), or a CliError with INVALID_INPUT. */
export function checkServer(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(ExitCode.INVALID_INPUT, `invalid server URL "${value}"`);
  }
  if (!["http:", "https:", "ws:", "wss:"].includes(url.protocol)) {
    throw new CliError(ExitCode.INVALID_INPUT, `invalid server URL "${value}": use http(s):// or ws(s)://`);
  }
  return value;
}

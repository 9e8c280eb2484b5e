import { Name, Room, Text } from "@pigeon/protocol";
import { InvalidArgumentError, Option, type Command } from "commander";
import { DEFAULT_SERVER } from "./env.js";
import { CliError, ExitCode } from "./exit-codes.js";

/** The options every networked command takes. */
export interface ConnectionOptions {
  server: string;
  connectTimeout: number;
  ackTimeout: number;
}

const DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;
const DEFAULT_ACK_TIMEOUT_SECONDS = 10;

/** Parses a positive number of seconds, as commander option values. */
export function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError("expected a positive number of seconds");
  return parsed;
}

/** Parses a number of seconds, zero allowed, as commander option values. */
export function secondsOrZero(value: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError("expected a number of seconds");
  return parsed;
}

/** Parses a whole number, zero allowed, as commander option values. */
export function countOrZero(value: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError("expected a whole number");
  return parsed;
}

/** Adds `--server`, `--connect-timeout` and `--ack-timeout` to a command. */
export function withConnectionOptions(command: Command): Command {
  return command
    .addOption(new Option("--server <url>", "server URL (env PIGEON_SERVER)").default(DEFAULT_SERVER))
    .addOption(
      new Option("--connect-timeout <seconds>", "give up connecting after this long")
        .argParser(seconds)
        .default(DEFAULT_CONNECT_TIMEOUT_SECONDS),
    )
    .addOption(
      new Option("--ack-timeout <seconds>", "give up waiting for the server's answer after this long")
        .argParser(seconds)
        .default(DEFAULT_ACK_TIMEOUT_SECONDS),
    );
}

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

import { InvalidArgumentError, Option, type Command } from "commander";
import { DEFAULT_SERVER } from "./env.js";

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

/** `--identity` and `--guest`, as commander hands them over. */
export interface IdentityOptions {
  identity?: string;
  guest?: true;
}

/** Adds `--identity FILE` and `--guest` to a command. */
export function withIdentityOptions(command: Command): Command {
  return command
    .addOption(new Option("--identity <file>", "your identity key file, used on whichever server you name (default: one per name and server in the config directory, created on first use)").conflicts("guest"))
    .addOption(new Option("--guest", "log in as a guest: live messages only, nothing held for you"));
}

/** `--plain`, as commander hands it over. */
export interface RoomModeOptions {
  plain?: true;
}

/** Adds `--plain` to a command: join or create plain rooms instead of encrypted ones. */
export function withRoomModeOption(command: Command): Command {
  return command.addOption(
    new Option("--plain", "use a plain room: the server can read its messages (rooms are end-to-end encrypted by default)"),
  );
}

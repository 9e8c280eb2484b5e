import type { PigeonError } from "@pigeon/client";

/**
 * The exit codes of `pigeon`, one per kind of failure, so that scripts can tell them apart.
 * Keep `EXIT_CODES_HELP` and README.md in step with this list.
 */
export const ExitCode = {
  OK: 0,
  /** Anything not listed below: connection lost, refused by the server for another reason. */
  FAILURE: 1,
  /** Bad command line: unknown command or option, missing argument. */
  USAGE: 2,
  /** Invalid name, room, message, server URL or identity file. */
  INVALID_INPUT: 3,
  /** No server at the given address. */
  UNREACHABLE: 4,
  /** Another key or a guest holds the name. */
  NAME_TAKEN: 5,
  /** The server did not answer in time. */
  TIMEOUT: 6,
  /** Another pigeon process is running as this name (encrypted rooms allow one at a time). */
  PROFILE_BUSY: 7,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit codes as `--help` shows them. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  other failure (connection lost, refused by the server)
  2  usage error (unknown command or option, missing argument)
  3  invalid input (name, room, message, server URL or identity file)
  4  server unreachable
  5  name taken (by another key, or by a guest)
  6  timeout (the server did not answer in time)
  7  another pigeon process is running as this name

Environment:
  PIGEON_SERVER      server URL used when --server is not given (default http://localhost:3000)
  PIGEON_CONFIG_DIR  where identity keys, pinned keys and encrypted rooms' state are kept
                     (default $XDG_CONFIG_HOME/pigeon, else ~/.config/pigeon)`;

/** A failure with a one-line message and the exit code it ends the process with. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** The exit code and one-line message for anything a command threw. */
export async function describeFailure(error: unknown): Promise<{ exitCode: ExitCode; message: string }> {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
  // Imported here, not above, so that commands which never load the SDK (--help, usage errors) start fast.
  const { PigeonError } = await import("@pigeon/client");
  if (error instanceof PigeonError) return { exitCode: exitCodeFor(error), message: error.message };
  return { exitCode: ExitCode.FAILURE, message: error instanceof Error ? error.message : String(error) };
}

function exitCodeFor({ code }: PigeonError): ExitCode {
  switch (code) {
    case "UNREACHABLE":
      return ExitCode.UNREACHABLE;
    case "NAME_TAKEN":
      return ExitCode.NAME_TAKEN;
    case "TIMEOUT":
      return ExitCode.TIMEOUT;
    case "BAD_REQUEST":
    case "PAYLOAD_TOO_LARGE":
      return ExitCode.INVALID_INPUT;
    default:
      return ExitCode.FAILURE;
  }
}

import { CommanderError } from "commander";
import { describeFailure, ExitCode } from "./exit-codes.js";
import { createProgram } from "./program.js";

/**
 * Runs `pigeon` with the given arguments (without node and script) and resolves with the
 * exit code. Failures become one line on stderr.
 */
export async function run(args: readonly string[]): Promise<ExitCode> {
  try {
    await createProgram().parseAsync(args, { from: "user" });
    return ExitCode.OK;
  } catch (error) {
    // Commander has already printed its own message (or the help) for these.
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    const { exitCode, message } = await describeFailure(error);
    process.stderr.write(`pigeon: ${message}${exitCode === ExitCode.USAGE ? " (see --help)" : ""}\n`);
    return exitCode;
  }
}

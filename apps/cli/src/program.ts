import { Command } from "commander";
import { createRequire } from "node:module";
import { chatCommand } from "./commands/chat.js";
import { listenCommand } from "./commands/listen.js";
import { rawCommand } from "./commands/raw.js";
import { sendCommand } from "./commands/send.js";
import { EXIT_CODES_HELP } from "./exit-codes.js";

// package.json sits one level above both src/ and dist/.
const { version } = createRequire(import.meta.url)("../package.json") as { version: string };

/** The `pigeon` command line: every command, each with its own `--help`. */
export function createProgram(): Command {
  const program = configure(new Command("pigeon"))
    .description("Pigeon terminal client: chat, send and listen on a Pigeon server")
    .version(version);
  for (const command of [chatCommand(), sendCommand(), listenCommand(), rawCommand()]) {
    program.addCommand(configure(command));
  }
  return program;
}

// addCommand() does not pass these settings down, so every command gets them here: errors
// thrown (not exiting) so that run() picks the exit code, one line in pigeon's voice, and the
// exit codes at the end of every --help.
function configure(command: Command): Command {
  return command
    .exitOverride()
    .configureOutput({
      outputError: (message, write) => {
        write(`pigeon: ${message.replace(/^error: /u, "").trimEnd()} (see --help)\n`);
      },
    })
    .addHelpText("after", EXIT_CODES_HELP);
}

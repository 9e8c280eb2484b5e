import { Command, Option } from "commander";
import { countOrZero, seconds, withConnectionOptions, withIdentityOptions, withRoomModeOption, type ConnectionOptions, type IdentityOptions, type RoomModeOptions } from "../options.js";

/** The options of `pigeon listen`, as commander hands them over. */
export interface ListenOptions extends ConnectionOptions, IdentityOptions, RoomModeOptions {
  name: string;
  room: string;
  count?: number;
  timeout?: number;
  json?: true;
}

/** `pigeon listen`: prints a room's messages on stdout until a count or a timeout is reached. */
export function listenCommand(): Command {
  return withRoomModeOption(withIdentityOptions(withConnectionOptions(new Command("listen"))))
    .description("join a room and print its messages as they arrive, those held while you were away first (stdout holds only messages)")
    .requiredOption("--name <name>", "your name")
    .requiredOption("--room <room>", "the room to join (a keyed identity also hears every other room it is a member of)")
    .addOption(new Option("--count <n>", "exit after this many messages (0: join as a member and exit at once)").argParser(countOrZero))
    .addOption(new Option("--timeout <seconds>", "exit after this long").argParser(seconds))
    .option("--json", "print one JSON object per message and line")
    .addHelpText(
      "after",
      "\nExamples:\n  pigeon listen --name bob --room lobby\n  pigeon listen --name bot --room lobby --json --count 10 | jq .message\n  pigeon listen --name bob --room lobby --count 0   # subscribe bob; messages wait for him",
    )
    .action(async (options: ListenOptions) => {
      // The action's module (SDK, protocol, crypto) loads only when the command runs, so --help is fast.
      const { listen } = await import("./listen-action.js");
      await listen(options);
    });
}

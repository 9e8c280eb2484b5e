import { Command } from "commander";
import { withConnectionOptions, withIdentityOptions, withRoomModeOption, type ConnectionOptions, type IdentityOptions, type RoomModeOptions } from "../options.js";

/** The options of `pigeon send`, as commander hands them over. */
export interface SendOptions extends ConnectionOptions, IdentityOptions, RoomModeOptions {
  name: string;
  room: string;
  stdin?: true;
}

/** `pigeon send`: one message from the arguments, or one per line of stdin, each acked. */
export function sendCommand(): Command {
  return withRoomModeOption(withIdentityOptions(withConnectionOptions(new Command("send"))))
    .description("send a message to a room and exit once the server accepted it")
    .argument("[text...]", "the message (words are joined by spaces)")
    .requiredOption("--name <name>", "your name")
    .requiredOption("--room <room>", "the room to send to")
    .option("--stdin", "send each line of stdin as one message, in order")
    .addHelpText("after", "\nExamples:\n  pigeon send --name alice --room lobby hello everyone\n  seq 3 | pigeon send --name alice --room lobby --stdin")
    .action(async (words: string[], options: SendOptions) => {
      // The action's module (SDK, protocol, crypto) loads only when the command runs, so --help is fast.
      const { send } = await import("./send-action.js");
      await send(words, options);
    });
}

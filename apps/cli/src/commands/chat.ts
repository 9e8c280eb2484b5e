import { Command } from "commander";
import { withConnectionOptions, withIdentityOptions, withRoomModeOption, type ConnectionOptions, type IdentityOptions, type RoomModeOptions } from "../options.js";
import { CHAT_HELP } from "./chat-help.js";

/** The options of `pigeon chat`, as commander hands them over. */
export interface ChatOptions extends ConnectionOptions, IdentityOptions, RoomModeOptions {
  name: string;
  room?: string;
}

/** `pigeon chat`: the interactive client. Reads lines from stdin, a terminal or a pipe. */
export function chatCommand(): Command {
  return withRoomModeOption(withIdentityOptions(withConnectionOptions(new Command("chat"))))
    .description("chat interactively: type to send, /help for commands")
    .requiredOption("--name <name>", "your name")
    .option("--room <room>", "a room to join at once")
    .addHelpText("after", `\n${CHAT_HELP}\n\nExample:\n  pigeon chat --name alice --room lobby`)
    .action(async (options: ChatOptions) => {
      // The action's module (SDK, protocol, crypto) loads only when the command runs, so --help is fast.
      const { chat } = await import("./chat-action.js");
      await chat(options);
    });
}

import { Command, Option } from "commander";
import { secondsOrZero, withConnectionOptions, type ConnectionOptions } from "../options.js";

/**
 * `pigeon raw`: the seed tutorial's client. Asks for an event name and its data, emits them
 * on a plain socket.io connection, and prints every event the server sends. It speaks the
 * wire protocol directly (no SDK), which makes it a debugging tool for the protocol itself.
 */
export function rawCommand(): Command {
  return withConnectionOptions(new Command("raw"))
    .description("the tutorial's raw client: emit any event with any data, print every event received")
    .addHelpText(
      "after",
      '\nAt "Event : " type an event name (login, join, chat, leave); at "Data : " its data. Data that\nparses as a JSON object is sent as that object, anything else as the string typed.\nEvery event received is printed as `<event> <json>`.\n\nExample:\n  pigeon raw --server http://localhost:3000',
    )
    .addOption(
      new Option("--linger <seconds>", "after end of input, keep printing events this long before disconnecting")
        .argParser(secondsOrZero)
        .default(DEFAULT_LINGER_SECONDS),
    )
    .action(async (options: RawOptions) => {
      // The action's module (socket.io) loads only when the command runs, so --help is fast.
      const { raw } = await import("./raw-action.js");
      await raw(options);
    });
}

/** The options of `pigeon raw`, as commander hands them over. */
export interface RawOptions extends ConnectionOptions {
  linger: number;
}

// socket.io drops events that reach the server in the same breath as the client's disconnect,
// and answers (errors, messages) come after what was sent: so a piped session stays a moment.
const DEFAULT_LINGER_SECONDS = 1;

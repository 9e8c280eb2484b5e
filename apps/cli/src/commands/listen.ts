import type { ChatMessage } from "@pigeon/protocol";
import { Command, Option } from "commander";
import { CliError, ExitCode } from "../exit-codes.js";
import { formatJson, formatMessage } from "../format.js";
import { checkName, checkRoom, checkServer, count, seconds, withConnectionOptions, type ConnectionOptions } from "../options.js";
import { closedByServer, openSession } from "../session.js";
import { Terminal } from "../terminal.js";

interface ListenOptions extends ConnectionOptions {
  name: string;
  room: string;
  count?: number;
  timeout?: number;
  json?: true;
}

/** `pigeon listen`: prints a room's messages on stdout until a count or a timeout is reached. */
export function listenCommand(): Command {
  return withConnectionOptions(new Command("listen"))
    .description("join a room and print its messages as they arrive (stdout holds only messages)")
    .requiredOption("--name <name>", "your name")
    .requiredOption("--room <room>", "the room to listen to")
    .addOption(new Option("--count <n>", "exit after this many messages").argParser(count))
    .addOption(new Option("--timeout <seconds>", "exit after this long").argParser(seconds))
    .option("--json", "print one JSON object per message and line")
    .addHelpText("after", "\nExamples:\n  pigeon listen --name bob --room lobby\n  pigeon listen --name bot --room lobby --json --count 10 | jq .message")
    .action(async (options: ListenOptions) => {
      await listen(options);
    });
}

async function listen(options: ListenOptions): Promise<void> {
  const server = checkServer(options.server);
  const name = checkName(options.name);
  const room = checkRoom(options.room);
  const terminal = new Terminal();
  const format = options.json ? formatJson : formatMessage;

  const client = await openSession({ ...options, server, name, rooms: [room] }, terminal);
  let timer: NodeJS.Timeout | undefined;
  try {
    const closed = closedByServer(client).then(() => {
      throw new CliError(ExitCode.FAILURE, "the server closed the connection");
    });
    const done = new Promise<void>((resolve) => {
      let received = 0;
      client.on("message", (message: ChatMessage) => {
        if (message.room !== room) return;
        terminal.print(format(message));
        received += 1;
        if (options.count !== undefined && received >= options.count) resolve();
      });
      if (options.timeout !== undefined) timer = setTimeout(resolve, options.timeout * 1000);
    });
    terminal.status(`listening to ${room}`);
    await Promise.race([done, closed]);
  } finally {
    clearTimeout(timer);
    client.close();
  }
}

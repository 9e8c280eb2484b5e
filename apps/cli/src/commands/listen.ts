import { PigeonError, type PigeonClient } from "@pigeon/client";
import { Command, Option } from "commander";
import { endSignal } from "../end-signal.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { formatExpired, formatJson, formatMessage } from "../format.js";
import { resolveIdentity, withIdentityOptions, type IdentityOptions } from "../identity.js";
import { checkName, checkRoom, checkServer, countOrZero, seconds, withConnectionOptions, type ConnectionOptions } from "../options.js";
import { openSession } from "../session.js";
import { Terminal } from "../terminal.js";

interface ListenOptions extends ConnectionOptions, IdentityOptions {
  name: string;
  room: string;
  count?: number;
  timeout?: number;
  json?: true;
}

/** `pigeon listen`: prints a room's messages on stdout until a count or a timeout is reached. */
export function listenCommand(): Command {
  return withIdentityOptions(withConnectionOptions(new Command("listen")))
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
      await listen(options);
    });
}

async function listen(options: ListenOptions): Promise<void> {
  const server = checkServer(options.server);
  const name = checkName(options.name);
  const room = checkRoom(options.room);
  const terminal = new Terminal();
  const key = await resolveIdentity(options, name, terminal);
  const subscribeOnly = options.count === 0;

  const end = endSignal();
  const listenTo = (client: PigeonClient): void => {
    showMessages(client, options, terminal, end.finish);
    client.on("state", (state) => {
      if (state === "disconnected") end.fail(new CliError(ExitCode.FAILURE, "the server closed the connection"));
    });
  };
  // --count 0 only subscribes: nothing is shown, so nothing may be acked.
  const session = { ...options, server, name, rooms: [room], key, receive: !subscribeOnly, listen: listenTo };
  let client: PigeonClient;
  try {
    client = await openSession(session, terminal);
  } catch (error) {
    // The replay after the login may reach --count before the join is through; then the
    // listener closed the client on purpose (and openSession waited for its acks).
    if (end.ended() && error instanceof PigeonError && error.code === "DISCONNECTED") return;
    throw error;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    if (subscribeOnly) {
      terminal.status(key === undefined ? `joined ${room} as a guest (nothing is held for guests)` : `${name} is a member of ${room}; messages wait for the next listen`);
      return;
    }
    if (options.timeout !== undefined) timer = setTimeout(end.finish, options.timeout * 1000);
    terminal.status(`listening to ${client.rooms.join(", ")}`);
    await end.promise;
  } finally {
    clearTimeout(timer);
    await client.close();
  }
}

// Prints messages and gaps as the SDK hands them over. Reaching --count closes the client at
// once, inside the listener, so that no message beyond the count is handed over, and acked.
function showMessages(client: PigeonClient, options: ListenOptions, terminal: Terminal, done: () => void): void {
  const format = options.json ? formatJson : formatMessage;
  let received = 0;
  client.on("message", (message) => {
    terminal.print(format(message));
    received += 1;
    if (options.count !== undefined && received >= options.count) {
      done();
      void client.close();
    }
  });
  client.on("expired", (notice) => {
    terminal.status(formatExpired(notice));
  });
}

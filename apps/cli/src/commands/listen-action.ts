import type { PigeonClient } from "@pigeon/client";
import { checkName, checkRoom, checkServer } from "../checks.js";
import { endSignal } from "../end-signal.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { formatExpired, formatJson, formatMessage, formatRestarted } from "../format.js";
import { resolveIdentity } from "../identity.js";
import { openSession, roomMode } from "../session.js";
import { Terminal } from "../terminal.js";
import type { ListenOptions } from "./listen.js";

/** Runs `pigeon listen`: prints a room's messages on stdout until a count or a timeout is reached. */
export async function listen(options: ListenOptions): Promise<void> {
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
  const session = { ...options, server, name, rooms: [room], key, mode: roomMode(options, key), receive: !subscribeOnly, listen: listenTo };
  let client: PigeonClient;
  try {
    client = await openSession(session, terminal);
  } catch (error) {
    // The replay after the login may reach --count before the join is through; then the
    // listener closed the client on purpose (and openSession waited for its acks).
    const { PigeonError } = await import("@pigeon/client");
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
  client.on("restarted", (notice) => {
    terminal.status(formatRestarted(notice));
  });
}

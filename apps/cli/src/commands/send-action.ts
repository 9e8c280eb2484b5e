import { checkName, checkRoom, checkServer, checkText } from "../checks.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { resolveIdentity } from "../identity.js";
import { readLines } from "../lines.js";
import { openSession, roomMode } from "../session.js";
import { Terminal } from "../terminal.js";
import type { SendOptions } from "./send.js";

/** Runs `pigeon send`: one message from the arguments, or one per line of stdin, each acked before the next. */
export async function send(words: string[], options: SendOptions): Promise<void> {
  if (options.stdin && words.length > 0) throw new CliError(ExitCode.USAGE, "give the message as arguments or with --stdin, not both");
  if (!options.stdin && words.length === 0) throw new CliError(ExitCode.USAGE, "nothing to send: give the message as arguments, or use --stdin");
  const server = checkServer(options.server);
  const name = checkName(options.name);
  const room = checkRoom(options.room);
  const text = options.stdin ? undefined : checkText(words.join(" "));

  const terminal = new Terminal();
  const key = await resolveIdentity(options, name, terminal);
  // Send-only: messages held for this identity stay held for its next listen or chat.
  const client = await openSession({ ...options, server, name, rooms: [], key, mode: roomMode(options, key), receive: false }, terminal);
  // A keyed identity that joins becomes a member, and the server would hold every message of
  // the room for it, its own included. If it was not a member before, it leaves once done.
  const wasMember = client.rooms.includes(room);
  try {
    await client.join(room, { mode: roomMode(options, key) });
    if (text !== undefined) {
      const { seq } = await client.send(room, text);
      terminal.status(`sent to ${room} (seq ${seq})`);
      return;
    }
    let sent = 0;
    let lineNumber = 0;
    // One at a time: each ack arrives before the next line goes, so the room sees stdin's order.
    for await (const line of readLines(process.stdin)) {
      lineNumber += 1;
      if (line === "") continue;
      let checked: string;
      try {
        checked = checkText(line);
      } catch (error) {
        throw error instanceof CliError ? new CliError(error.exitCode, `line ${lineNumber}: ${error.message}`) : error;
      }
      await client.send(room, checked);
      sent += 1;
    }
    terminal.status(`sent ${sent} message${sent === 1 ? "" : "s"} to ${room}`);
  } finally {
    if (!wasMember && key !== undefined && client.rooms.includes(room)) {
      await client.leave(room).catch((error: unknown) => {
        terminal.error(`could not leave ${room}; the server holds its messages for you until you do: ${String(error)}`);
      });
    }
    await client.close();
  }
}

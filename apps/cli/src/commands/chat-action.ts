import type { PigeonClient } from "@pigeon/client";
import { createInterface } from "node:readline";
import { checkName, checkRoom, checkServer } from "../checks.js";
import { interactive } from "../env.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { formatExpired, formatMessage, formatReceipts, formatRestarted } from "../format.js";
import { resolveIdentity } from "../identity.js";
import { openSession, roomMode } from "../session.js";
import { Terminal } from "../terminal.js";
import type { ChatState } from "./chat-commands.js";
import type { ChatOptions } from "./chat.js";

/** Runs `pigeon chat`: the interactive client, reading lines from stdin, a terminal or a pipe. */
export async function chat(options: ChatOptions): Promise<void> {
  const server = checkServer(options.server);
  const name = checkName(options.name);
  const rooms = options.room === undefined ? [] : [checkRoom(options.room)];
  const terminal = new Terminal();
  const key = await resolveIdentity(options, name, terminal);
  const changedKeys = new Map<string, string>();
  const show = (client: PigeonClient): void => {
    showTraffic(client, terminal);
    client.on("keyChanged", ({ name, current }) => changedKeys.set(name, current));
  };
  const client = await openSession({ ...options, server, name, rooms, key, mode: roomMode(options, key), receive: true, listen: show }, terminal);
  // Like the SDK (see openSession), loaded once "connecting to …" is on the screen.
  const { handleLine } = await import("./chat-commands.js");
  const state: ChatState = { client, terminal, current: client.rooms.at(-1), mode: roomMode(options, key), changedKeys };

  const input = createInterface({
    input: process.stdin,
    output: interactive() ? process.stdout : undefined,
    terminal: interactive(),
    crlfDelay: Infinity,
  });
  const showPrompt = (): void => {
    input.setPrompt(`[${state.current ?? "no room"}] `);
    input.prompt();
  };
  if (interactive()) terminal.attachPrompt(input);
  // Without a listener readline would only pause on Ctrl-C; here it leaves, like /quit.
  input.on("SIGINT", () => {
    input.close();
  });
  // Reconnects are the SDK's business; only a final disconnect (the server kicked us out) ends the chat.
  const kickedOut = new AbortController();
  const stopWatching = client.on("state", (connection) => {
    if (connection !== "disconnected") return;
    kickedOut.abort();
    input.close();
  });
  if (state.current === undefined) terminal.status("type /join ROOM to enter a room, /help for commands");

  try {
    showPrompt();
    for await (const line of input) {
      if (!(await handleLine(state, line))) break;
      showPrompt();
    }
  } finally {
    stopWatching();
    terminal.detachPrompt();
    input.close();
    await client.close();
  }
  if (kickedOut.signal.aborted) throw new CliError(ExitCode.FAILURE, "the server closed the connection");
}

// Messages (those held while away marked), gaps, and what became of your own messages.
function showTraffic(client: PigeonClient, terminal: Terminal): void {
  client.on("message", (message) => {
    terminal.print(formatMessage(message));
  });
  client.on("expired", (notice) => {
    terminal.status(formatExpired(notice));
  });
  client.on("restarted", (notice) => {
    terminal.status(formatRestarted(notice));
  });
  client.on("receipts", ({ room, receipts }) => {
    for (const line of formatReceipts(room, receipts)) terminal.status(line);
  });
}

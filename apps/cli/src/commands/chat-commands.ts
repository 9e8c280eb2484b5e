import { PigeonError, type PigeonClient } from "@pigeon/client";
import { checkRoom, checkText } from "../checks.js";
import { CliError } from "../exit-codes.js";
import { formatMembers } from "../format.js";
import type { Terminal } from "../terminal.js";
import { CHAT_HELP } from "./chat-help.js";

/** What a chat session keeps between lines. */
export interface ChatState {
  readonly client: PigeonClient;
  readonly terminal: Terminal;
  /** Where a typed line goes. */
  current: string | undefined;
}

/**
 * Handles one line of input: a slash command or a message for the current room. Returns
 * false when the user asked to quit. Failures are printed, never thrown: one bad line must
 * not end the session.
 */
export async function handleLine(state: ChatState, line: string): Promise<boolean> {
  const trimmed = line.trim();
  if (trimmed === "") return true;
  try {
    if (!trimmed.startsWith("/")) {
      await say(state, line);
      return true;
    }
    const [command = "", ...args] = trimmed.split(/\s+/u);
    return await runCommand(state, command, args);
  } catch (error) {
    if (error instanceof PigeonError || error instanceof CliError) state.terminal.error(error.message);
    else throw error;
    return true;
  }
}

async function say({ client, terminal, current }: ChatState, line: string): Promise<void> {
  if (current === undefined) {
    terminal.error("you are in no room: /join ROOM first");
    return;
  }
  const { room, seq } = await client.send(current, checkText(line));
  terminal.status(`[${room}] seq ${seq}: accepted`);
}

async function runCommand(state: ChatState, command: string, args: string[]): Promise<boolean> {
  const { client, terminal } = state;
  switch (command) {
    case "/quit":
    case "/exit":
      return false;
    case "/help":
      terminal.print(CHAT_HELP);
      return true;
    case "/join": {
      const [room] = args;
      if (room === undefined || args.length > 1) return usage(terminal, "/join ROOM");
      const { room: joined, members } = await client.join(checkRoom(room));
      state.current = joined;
      terminal.print(`joined ${joined}: ${formatMembers(members)}`);
      return true;
    }
    case "/leave": {
      const room = args[0] ?? state.current;
      if (room === undefined || args.length > 1) return usage(terminal, "/leave [ROOM]");
      const { room: left } = await client.leave(checkRoom(room));
      if (state.current === left) state.current = client.rooms.at(-1);
      terminal.print(`left ${left}${state.current === undefined ? "" : `; now in ${state.current}`}`);
      return true;
    }
    case "/rooms":
      terminal.print(
        client.rooms.length === 0 ? "you are in no room" : client.rooms.map((room) => (room === state.current ? `* ${room}` : `  ${room}`)).join("\n"),
      );
      return true;
    case "/who": {
      if (state.current === undefined) return noRoom(terminal);
      const members = client.members(state.current);
      // A room resumed at login has no member list until the next change in it.
      if (members === undefined) terminal.print(`${state.current}: no member list yet`);
      else terminal.print(`${state.current}: ${formatMembers(members)}`);
      return true;
    }
    default:
      terminal.error(`unknown command ${command}; /help lists them`);
      return true;
  }
}

function noRoom(terminal: Terminal): true {
  terminal.error("you are in no room: /join ROOM first");
  return true;
}

function usage(terminal: Terminal, form: string): true {
  terminal.error(`usage: ${form}`);
  return true;
}

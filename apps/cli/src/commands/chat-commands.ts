import { PigeonError, type PigeonClient } from "@pigeon/client";
import type { RoomMode } from "@pigeon/protocol";
import { checkName, checkRoom, checkText } from "../checks.js";
import { CliError } from "../exit-codes.js";
import { formatMembers, modeLabel, printable } from "../format.js";
import type { Terminal } from "../terminal.js";
import { CHAT_HELP } from "./chat-help.js";

/** What a chat session keeps between lines. */
export interface ChatState {
  readonly client: PigeonClient;
  readonly terminal: Terminal;
  /** Where a typed line goes. */
  current: string | undefined;
  /** The mode `/join` joins with (encrypted unless the chat was started with `--plain`). */
  readonly mode: RoomMode;
  /** Names whose key changed this session, with the new key (base64url), for `/trust`. */
  readonly changedKeys: Map<string, string>;
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
      const plain = args[0] === "--plain";
      const rest = plain ? args.slice(1) : args;
      const [room] = rest;
      if (room === undefined || rest.length > 1) return usage(terminal, "/join [--plain] ROOM");
      const { room: joined, members, mode } = await client.join(checkRoom(room), { mode: plain ? "plain" : state.mode });
      state.current = joined;
      terminal.print(`joined ${joined} (${modeLabel(mode)}): ${formatMembers(members)}`);
      return true;
    }
    case "/trust": {
      const [name] = args;
      if (name === undefined || args.length > 1) return usage(terminal, "/trust NAME");
      const key = state.changedKeys.get(checkName(name));
      if (key === undefined) {
        terminal.error(`${name}'s key has not changed in this session: nothing to trust`);
        return true;
      }
      await client.trustKey(name, key);
      state.changedKeys.delete(name);
      terminal.print(`${printable(name)}'s new key is pinned; a later change will warn again`);
      return true;
    }
    case "/verify": {
      const [name] = args;
      if (name === undefined || args.length > 1) return usage(terminal, "/verify NAME");
      await verify(state, checkName(name));
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
      const group = client.groupOf(state.current);
      terminal.print(
        client.modeOf(state.current) === "encrypted"
          ? `end-to-end encrypted; in the group: ${group === undefined ? "(not joined yet)" : group.members.map(printable).join(", ")}`
          : modeLabel(client.modeOf(state.current)),
      );
      return true;
    }
    default:
      terminal.error(`unknown command ${command}; /help lists them`);
      return true;
  }
}

// The safety number of you and NAME: the same 60 digits on both sides when nobody sits between.
async function verify({ client, terminal }: ChatState, name: string): Promise<void> {
  const number = await client.safetyNumber(name);
  if (number === undefined) {
    terminal.error(`no key known for ${name} yet: share an encrypted room with them first`);
    return;
  }
  terminal.print(
    [
      `Safety number of you and ${printable(number.name)}:`,
      "",
      ...number.formatted.split("\n").map((line) => `  ${line}`),
      "",
      `${printable(number.name)} sees the same number with /verify ${client.name ?? "you"}. Compare it in person or over a`,
      "call you trust; if it matches, nobody (not even the server) sits between you.",
    ].join("\n"),
  );
}

function noRoom(terminal: Terminal): true {
  terminal.error("you are in no room: /join ROOM first");
  return true;
}

function usage(terminal: Terminal, form: string): true {
  terminal.error(`usage: ${form}`);
  return true;
}

import type { ChatMessage, Member } from "@pigeon/protocol";

// C0 and C1 control characters (tab aside), which could move the cursor or recolour the
// terminal if another user put them in a name or message.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/gu;

/** Text from the network made safe to print on a terminal. */
export function printable(text: string): string {
  return text.replace(CONTROL_CHARACTERS, "\uFFFD");
}

/** `HH:MM` in local time. */
export function clockTime(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * One message as a line: `12:03 [lobby] alice: hi`.
 *
 * @example
 * formatMessage(message) // "12:03 [lobby] alice: hi"
 */
export function formatMessage({ sentAt, room, user, message }: ChatMessage): string {
  return `${clockTime(sentAt)} [${printable(room)}] ${printable(user)}: ${printable(message)}`;
}

/** One message as a JSON line, every field the server sent included. */
export function formatJson(message: ChatMessage): string {
  const { room, user, message: text, seq, sentAt, id, ...rest } = message;
  return JSON.stringify({ room, user, message: text, seq, sentAt, id, ...rest });
}

/** A member list: `alice (online), bob (offline)`. */
export function formatMembers(members: readonly Member[]): string {
  if (members.length === 0) return "nobody";
  return members.map(({ name, online }) => `${printable(name)} (${online ? "online" : "offline"})`).join(", ");
}

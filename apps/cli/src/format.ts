import type { DeliveredMessage, ExpiredNotice, GroupChange, KeyChangeNotice, RestartNotice, UndecryptableNotice } from "@pigeon/client";
import type { ChatMessage, Member, Receipt, RoomMode } from "@pigeon/protocol";

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

/** What a line gets when the message arrived while its reader was away. */
export const AWAY_MARK = "  (while you were away)";

/**
 * One message as a line: `12:03 [lobby] alice: hi`, marked when it was held for you while
 * you were away.
 *
 * @example
 * formatMessage(message) // "12:03 [lobby] alice: hi  (while you were away)"
 */
export function formatMessage({ sentAt, room, user, message, replayed }: ChatMessage): string {
  const line = `${clockTime(sentAt)} [${printable(room)}] ${printable(user)}: ${printable(message)}`;
  return replayed === true ? `${line}${AWAY_MARK}` : line;
}

/**
 * One message as a JSON line, every field the server sent included (but the MLS framing's
 * `mls` and `epoch`), `encrypted` from the SDK; `"replayed": true` only on messages that
 * arrived while you were away.
 */
export function formatJson(message: ChatMessage | DeliveredMessage): string {
  const { room, user, message: text, seq, incarnation, sentAt, id, replayed, ...rest } = message;
  // `mls` and `epoch` say how an encrypted message travelled; `encrypted` is what a script needs.
  delete rest.mls;
  delete rest.epoch;
  return JSON.stringify({ room, user, message: text, seq, incarnation, sentAt, id, ...rest, ...(replayed === true ? { replayed } : {}) });
}

/**
 * A gap: `[lobby] 12 messages (seq 4-15) expired before you got them`.
 *
 * @example
 * formatExpired({ room: "lobby", from: 4, to: 4, reason: "ttl" }) // "[lobby] 1 message (seq 4) expired before you got it"
 */
export function formatExpired({ room, from, to, reason }: ExpiredNotice): string {
  const count = to - from + 1;
  const what = count === 1 ? `1 message (seq ${from})` : `${count} messages (seq ${from}-${to})`;
  const them = count === 1 ? "it" : "them";
  const how = reason === "quota" ? "were dropped by the room's quota" : "expired";
  if (reason === "lost") return `[${printable(room)}] ${what} never arrived (the server skipped ${them})`;
  return `[${printable(room)}] ${what} ${how} before you got ${them}`;
}

/**
 * A room that started over on the server:
 * `[lobby] the room started over on the server (it restarted or lost its data); messages sent while it was down may be missing`.
 *
 * @example
 * formatRestarted({ room: "lobby", incarnation: "Yq3vS0b1" })
 */
export function formatRestarted({ room }: RestartNotice): string {
  return `[${printable(room)}] the room started over on the server (it restarted or lost its data); messages sent while it was down may be missing`;
}

/**
 * Delivery receipts of your own messages, one line per run of seqs in the same state:
 * `[lobby] seq 3-7: delivered to all, deleted from the server`. Nobody confirmed yet: no line.
 *
 * @example
 * formatReceipts("lobby", receipts) // ["[lobby] seq 7: delivered to 1/2"]
 */
export function formatReceipts(room: string, receipts: readonly Receipt[]): string[] {
  const runs: { from: number; to: number; state: string }[] = [];
  for (const receipt of [...receipts].sort((a, b) => a.seq - b.seq)) {
    const state = receiptState(receipt);
    if (state === undefined) continue;
    const last = runs.at(-1);
    if (last?.state === state && last.to === receipt.seq - 1) last.to = receipt.seq;
    else runs.push({ from: receipt.seq, to: receipt.seq, state });
  }
  return runs.map(({ from, to, state }) => `[${printable(room)}] seq ${from === to ? from : `${from}-${to}`}: ${state}`);
}

function receiptState({ delivered, total, deleted }: Receipt): string | undefined {
  if (deleted) return total === 0 ? "nobody else to deliver to; deleted from the server" : "delivered to all, deleted from the server";
  return delivered === 0 ? undefined : `delivered to ${delivered}/${total}`;
}

/** A member list: `alice (online), bob (offline)`. */
export function formatMembers(members: readonly Member[]): string {
  if (members.length === 0) return "nobody";
  return members.map(({ name, online }) => `${printable(name)} (${online ? "online" : "offline"})`).join(", ");
}

/**
 * A room's mode as the CLI names it.
 *
 * @example
 * modeLabel("encrypted") // "end-to-end encrypted"
 */
export function modeLabel(mode: RoomMode | undefined): string {
  return mode === "encrypted" ? "end-to-end encrypted" : "plain: the server can read it";
}

/**
 * A pinned name showing another key, as a block that cannot be missed.
 *
 * @example
 * formatKeyChanged({ room: "lobby", name: "bob", previous: "…", current: "…" })[0] // "!!! WARNING: bob's key has changed (room lobby) !!!"
 */
export function formatKeyChanged({ room, name, previous, current }: KeyChangeNotice): string[] {
  const who = printable(name);
  return [
    "",
    `!!! WARNING: ${who}'s key has changed (room ${printable(room)}) !!!`,
    `!!! It was ${keyFingerprint(previous)}, it is now ${keyFingerprint(current)}.`,
    `!!! Either ${who} has a new key or device, or someone is pretending to be ${who}.`,
    `!!! Ask ${who}, over a channel you trust, and compare safety numbers: /verify ${who}`,
    "",
  ];
}

/**
 * Changes of an encrypted room's group worth a line: our arrival, and who joined or left.
 *
 * @example
 * formatGroupChange({ room: "lobby", cause: "commit", joined: ["carol"], removed: [], ... }, "alice") // ["[lobby] carol joined the encrypted group"]
 */
export function formatGroupChange({ room, cause, joined, removed, members }: GroupChange, self: string | undefined): string[] {
  const where = `[${printable(room)}]`;
  switch (cause) {
    case "created":
      return [`${where} you created the room's encrypted group`];
    case "joined":
      return [`${where} you joined the encrypted group (${members.length} member${members.length === 1 ? "" : "s"})`];
    case "rejoined":
      return [`${where} you rejoined the encrypted group`];
    case "commit": {
      const others = (names: readonly string[]): string[] => names.filter((name) => name !== self).map(printable);
      return [
        ...others(joined).map((name) => `${where} ${name} joined the encrypted group`),
        ...others(removed).map((name) => `${where} ${name} was removed from the encrypted group`),
      ];
    }
  }
}

/**
 * Messages of an encrypted room that could not be read, and why.
 *
 * @example
 * formatUndecryptable({ room: "lobby", from: 4, to: 9, count: 3, reason: "lost-state" })
 */
export function formatUndecryptable({ room, from, to, count, reason }: UndecryptableNotice): string {
  const how = count === undefined ? "some messages" : count === 1 ? "1 message" : `${count} messages`;
  const span = from === to ? `seq ${from}` : `seq ${from}-${to}`;
  return `[${printable(room)}] ${how} (${span}) could not be decrypted: ${UNDECRYPTABLE_REASONS[reason]}`;
}

const UNDECRYPTABLE_REASONS: Record<UndecryptableNotice["reason"], string> = {
  "before-join": "sent before you were in the encrypted group",
  "lost-state": "sent while your encryption state was lost; you rejoined the group",
  forged: "the sender was not who the server claimed; not shown",
  unreadable: "not readable with your group's keys",
  "not-encrypted": "sent unencrypted into an encrypted room; not shown",
  "own-not-kept": "your own message, sent from elsewhere or before your encryption state was lost",
  "not-kept": "received while only sending, beyond what pigeon keeps for your next listen",
};

/** A key's first 12 base64url characters, enough to tell two keys apart on screen. */
function keyFingerprint(key: string): string {
  return key.slice(0, 12);
}

import type { UndecryptableReason } from "@pigeon/client";
import type { GapEntry } from "./room.js";

const RESTARTED =
  "This room started over on the server (it restarted or lost its data). Messages sent while it was down may be missing; everything from here on arrives.";

/**
 * The words for messages that will never arrive, or for a room that started over. In an
 * `encrypted` room the count is at most that many messages.
 *
 * @example
 * gapText({ from: 4, to: 15, reason: "ttl" }) // "12 messages expired on the server before you got them."
 */
export function gapText({ from, to, reason, why, count: known }: Pick<GapEntry, "from" | "to" | "reason" | "why" | "count">, encrypted = false): string {
  if (reason === "restarted") return RESTARTED;
  if (reason === "undecryptable") return undecryptableText(why ?? "unreadable", known);
  const count = to - from + 1;
  // An encrypted room's log also holds its group changes: the server can't tell them apart.
  const what = `${encrypted ? "Up to " : ""}${count === 1 ? "1 message" : `${count} messages`}`;
  switch (reason) {
    case "quota":
      return `${what} ${count === 1 ? "was" : "were"} dropped by the room's limit before you got ${count === 1 ? "it" : "them"}.`;
    case "ttl":
      return `${what} expired on the server before you got ${count === 1 ? "it" : "them"}.`;
    case "unspecified":
      // A gap found while replaying: the server dropped them for age or for the room's limit.
      return `${what} ${count === 1 ? "was" : "were"} deleted from the server before you got ${count === 1 ? "it" : "them"}.`;
    case "lost":
      return `${what} could not be delivered to you.`;
  }
}

/**
 * The words for messages of an encrypted room that can't be shown: how many (when known), and why.
 *
 * @example
 * undecryptableText("lost-state", 3) // "3 messages couldn't be decrypted: this device's keys for the room had fallen behind (…)"
 */
export function undecryptableText(why: UndecryptableReason, count: number | undefined): string {
  const what = count === undefined ? "Some messages" : count === 1 ? "1 message" : `${count} messages`;
  const were = count === 1 ? "was" : "were";
  switch (why) {
    case "before-join":
      return `${what} ${were} sent before you joined the encrypted group, so ${count === 1 ? "it was" : "they were"} not encrypted for you.`;
    case "lost-state":
      return `${what} couldn't be decrypted: this device's keys for the room had fallen behind (messages expired, or its state was lost). It rejoined the encrypted group; new messages arrive as usual.`;
    case "forged":
      return `${what} ${were} rejected: the sender inside the encryption was not the person the server named.`;
    case "unreadable":
      return `${what} couldn't be decrypted (damaged, or not encrypted for this group).`;
    case "not-encrypted":
      return `${what} arrived unencrypted in this encrypted room and ${were} not shown.`;
    case "own-not-kept":
      return `${what} of yours, sent from another device or before this one lost its keys, can't be shown here.`;
    case "not-kept":
      return `${what} couldn't be kept on this device to show.`;
  }
}

import type { GapEntry } from "./room.js";

const RESTARTED =
  "This room started over on the server (it restarted or lost its data). Messages sent while it was down may be missing; everything from here on arrives.";

/**
 * The words for messages that will never arrive, or for a room that started over.
 *
 * @example
 * gapText({ from: 4, to: 15, reason: "ttl" }) // "12 messages expired on the server before you got them."
 */
export function gapText({ from, to, reason }: Pick<GapEntry, "from" | "to" | "reason">): string {
  if (reason === "restarted") return RESTARTED;
  const count = to - from + 1;
  const what = count === 1 ? "1 message" : `${count} messages`;
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

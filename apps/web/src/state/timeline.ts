import type { Receipt } from "@pigeon/protocol";
import type { OutboxEntry } from "./outbox.js";
import { ownStatus, type OwnStatus } from "./own-status.js";
import type { GapEntry, MessageEntry, Room } from "./room.js";

/** One line of the open room as rendered. */
export type TimelineItem =
  | {
      readonly kind: "message";
      readonly key: string;
      readonly message: MessageEntry;
      readonly status: OwnStatus | undefined;
      readonly localId: string | undefined;
      /** Part of a group: the line before is the same sender's, in the same minute (one name and time for the group). */
      readonly continued: boolean;
    }
  | { readonly kind: "pending"; readonly key: string; readonly entry: OutboxEntry; readonly status: OwnStatus | undefined; readonly continued: boolean }
  | { readonly kind: "gap"; readonly key: string; readonly gap: GapEntry }
  | { readonly kind: "divider"; readonly key: string; readonly label: string }
  /** The start of a day (local time): "Today", "Yesterday", a date; `at` is the first line's time. */
  | { readonly kind: "day"; readonly key: string; readonly at: number };

/** The key of the "New messages" line, where a room with unread messages opens. */
export const NEW_MESSAGES_KEY = "divider-new";

/** What {@link timeline} reads besides the room. */
export interface TimelineSources {
  readonly outbox: readonly OutboxEntry[];
  readonly receipts: ReadonlyMap<string, Receipt>;
  readonly connected: boolean;
}

/**
 * The open room's lines: its messages and expiry notices in order, a line at the start of each
 * day, a "New messages" line before the first unread one, a "While you were away" line before
 * each run of messages held while away, and, last, own messages typed here that have not come
 * back from the server yet. A sender's messages within a minute form a group; only the latest
 * own message says "Delivered to all" (earlier ones show a status only while it is another).
 *
 * @example
 * const items = timeline(room, { outbox: state.outbox, receipts: state.receipts, connected: true });
 */
export function timeline(room: Room, { outbox, receipts, connected }: TimelineSources): TimelineItem[] {
  const mine = outbox.filter((entry) => entry.room === room.name);
  const byId = new Map(mine.flatMap((entry) => (entry.ack === undefined ? [] : [[entry.ack.id, entry] as const])));
  matchEchoes(room, mine, byId);
  const items = new TimelineBuilder();
  const shown = new Set<string>();
  let previousReplayed = false;
  for (const entry of room.entries) {
    if (entry.kind === "message") items.day(entry.sentAt);
    if (entry.key === room.firstUnread) items.push({ kind: "divider", key: NEW_MESSAGES_KEY, label: "New messages" });
    if (entry.kind === "gap") {
      items.push({ kind: "gap", key: entry.key, gap: entry });
      previousReplayed = false;
      continue;
    }
    if (entry.replayed && !previousReplayed && entry.key !== room.firstUnread) {
      items.push({ kind: "divider", key: `divider-away-${entry.key}`, label: "While you were away" });
    }
    previousReplayed = entry.replayed;
    shown.add(entry.key);
    const typedHere = byId.get(entry.key);
    const status = entry.own ? ownStatus(typedHere, receipts.get(entry.key), connected) : undefined;
    const continued = items.continues(entry.own ? undefined : entry.user, entry.sentAt);
    items.push({ kind: "message", key: entry.key, message: entry, status, localId: typedHere?.localId, continued });
  }
  const matched = new Set(byId.values());
  for (const entry of mine) {
    if (matched.has(entry) && entry.ack === undefined) continue;
    if (entry.ack !== undefined && shown.has(entry.ack.id)) continue;
    // Accepted, but its echo was older than what the room keeps, or not here yet.
    if (entry.ack !== undefined && room.entries.length > 0 && entry.ack.seq <= lastSeq(room)) continue;
    const status = ownStatus(entry, entry.ack === undefined ? undefined : receipts.get(entry.ack.id), connected);
    if (status === undefined) continue;
    items.day(entry.createdAt);
    items.push({ kind: "pending", key: entry.localId, entry, status, continued: items.continues(undefined, entry.createdAt) });
  }
  return items.finish();
}

/** Collects the lines in order: day lines where the day changes, and who the last line was from. */
class TimelineBuilder {
  readonly #items: TimelineItem[] = [];
  #day: string | undefined;
  /** The previous line's sender ("" for own lines) and minute, while it is a message. */
  #last: { sender: string; minute: number } | undefined;

  /** Starts a new day's line if `at` is on another (local) day than the lines so far. */
  day(at: number): void {
    const day = new Date(at).toDateString();
    if (day === this.#day) return;
    this.#day = day;
    this.push({ kind: "day", key: `day-${day}`, at });
  }

  /** Whether a message of `user` (undefined: own) at `at` continues the previous line's group. */
  continues(user: string | undefined, at: number): boolean {
    return this.#last !== undefined && this.#last.sender === (user ?? "") && this.#last.minute === Math.floor(at / 60_000);
  }

  push(item: TimelineItem): void {
    this.#items.push(item);
    if (item.kind === "message") this.#last = { sender: item.message.own ? "" : item.message.user, minute: Math.floor(item.message.sentAt / 60_000) };
    else if (item.kind === "pending") this.#last = { sender: "", minute: Math.floor(item.entry.createdAt / 60_000) };
    else this.#last = undefined;
  }

  /** The lines, with "Delivered to all" left only on the latest own message. */
  finish(): TimelineItem[] {
    const latestOwn = this.#items.findLastIndex((item) => item.kind === "pending" || (item.kind === "message" && item.message.own));
    return this.#items.map((item, index) =>
      (item.kind === "message" || item.kind === "pending") && index !== latestOwn && item.status?.kind === "delivered-all" ? { ...item, status: undefined } : item,
    );
  }
}

// The server's echo of a message may come before its ack: it carries the entry's client id,
// so it is matched to its entry at once and shows once, not twice.
function matchEchoes(room: Room, mine: readonly OutboxEntry[], byId: Map<string, OutboxEntry>): void {
  const waiting = new Map(mine.filter((entry) => entry.ack === undefined).map((entry) => [entry.localId, entry]));
  if (waiting.size === 0) return;
  for (const message of room.entries) {
    if (message.kind !== "message" || !message.own || message.clientId === undefined || byId.has(message.key)) continue;
    const entry = waiting.get(message.clientId);
    if (entry !== undefined) byId.set(message.key, entry);
  }
}

function lastSeq(room: Room): number {
  for (let index = room.entries.length - 1; index >= 0; index -= 1) {
    const entry = room.entries[index];
    if (entry?.kind === "message") return entry.seq;
  }
  return 0;
}

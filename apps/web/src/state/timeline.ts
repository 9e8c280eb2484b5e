import type { Receipt } from "@pigeon/protocol";
import type { OutboxEntry } from "./outbox.js";
import { ownStatus, type OwnStatus } from "./own-status.js";
import type { GapEntry, MessageEntry, Room } from "./room.js";

/** One line of the open room as rendered. */
export type TimelineItem =
  | { readonly kind: "message"; readonly key: string; readonly message: MessageEntry; readonly status: OwnStatus | undefined; readonly localId: string | undefined }
  | { readonly kind: "pending"; readonly key: string; readonly entry: OutboxEntry; readonly status: OwnStatus }
  | { readonly kind: "gap"; readonly key: string; readonly gap: GapEntry }
  | { readonly kind: "divider"; readonly key: string; readonly label: string };

/** What {@link timeline} reads besides the room. */
export interface TimelineSources {
  readonly outbox: readonly OutboxEntry[];
  readonly receipts: ReadonlyMap<string, Receipt>;
  readonly connected: boolean;
}

/**
 * The open room's lines: its messages and expiry notices in order, a "New messages" line
 * before the first unread one, a "While you were away" line before each run of messages held
 * while away, and, last, own messages typed here that have not come back from the server yet.
 *
 * @example
 * const items = timeline(room, { outbox: state.outbox, receipts: state.receipts, connected: true });
 */
export function timeline(room: Room, { outbox, receipts, connected }: TimelineSources): TimelineItem[] {
  const mine = outbox.filter((entry) => entry.room === room.name);
  const byId = new Map(mine.flatMap((entry) => (entry.ack === undefined ? [] : [[entry.ack.id, entry] as const])));
  matchEchoes(room, mine, byId);
  const items: TimelineItem[] = [];
  const shown = new Set<string>();
  let previousReplayed = false;
  for (const entry of room.entries) {
    if (entry.key === room.firstUnread) items.push({ kind: "divider", key: "divider-new", label: "New messages" });
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
    items.push({ kind: "message", key: entry.key, message: entry, status, localId: typedHere?.localId });
  }
  const matched = new Set(byId.values());
  for (const entry of mine) {
    if (matched.has(entry) && entry.ack === undefined) continue;
    if (entry.ack !== undefined && shown.has(entry.ack.id)) continue;
    // Accepted, but its echo was older than what the room keeps, or not here yet.
    if (entry.ack !== undefined && room.entries.length > 0 && entry.ack.seq <= lastSeq(room)) continue;
    const status = ownStatus(entry, entry.ack === undefined ? undefined : receipts.get(entry.ack.id), connected);
    if (status !== undefined) items.push({ kind: "pending", key: entry.localId, entry, status });
  }
  return items;
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

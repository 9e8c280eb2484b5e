// What the memory store holds, counted: each room's log by sender (for the sender's share of
// the room's quota) and the store's totals (for the held budget).
import { entryBytes, QuotaExceededError, quotaMessage, senderShare, type RetentionLimits, type StoredEntry } from "./relay-store.js";

/**
 * What one held entry costs the heap beyond its `entryBytes`: the entry object, its id and
 * sender strings and its slots in the log and its sender's queue. Measured at about 715 bytes
 * on Node 20 (10 rooms, 20,000 entries of 40 and of 400 bytes) with a client key's record
 * each, which `MEMORY_SENT_RECORD_BYTES` now counts on its own; rounded up, so the budget errs
 * on the side of the heap.
 */
export const MEMORY_ENTRY_OVERHEAD_BYTES = 768;

/** A room's held entries. */
export interface HeldLog {
  /** Held entries, oldest first, seqs increasing. */
  readonly log: StoredEntry[];
  bytes: number;
  /** Sender (the entry's user) → how many entries it has held here, and their bytes. */
  readonly senders: Map<string, { count: number; bytes: number }>;
}

/** Everything a store holds: entries, and their bytes with overhead (what `maxHeldBytes` bounds). */
export interface HeldTotals {
  entries: number;
  bytes: number;
}

/**
 * How many of the sender's own oldest entries must go for `entry` to fit its share, the
 * room's quota and the budget; the refusal, when they cannot make room. Changes nothing.
 */
export function admit(room: HeldLog, entry: Omit<StoredEntry, "seq">, limits: RetentionLimits, totals: HeldTotals): number | QuotaExceededError {
  const { maxRoomEntries, maxRoomBytes, maxHeldBytes = Infinity } = limits;
  const share = senderShare(limits);
  const own = room.senders.get(entry.user);
  const size = entryBytes(entry);
  let [entries, bytes] = [room.log.length + 1, room.bytes + size];
  let [ownEntries, ownBytes] = [(own?.count ?? 0) + 1, (own?.bytes ?? 0) + size];
  let evict = 0;
  let freed = 0;
  // The sender's own entries, oldest first, found along the log only when some must go.
  let cursor = 0;
  const nextOwn = (): StoredEntry | undefined => {
    while (cursor < room.log.length && room.log[cursor]?.user !== entry.user) cursor += 1;
    const found = room.log[cursor];
    cursor += 1;
    return found;
  };
  while (ownEntries > share.entries || ownBytes > share.bytes || entries > maxRoomEntries || bytes > maxRoomBytes) {
    const oldest = nextOwn();
    if (!oldest) return new QuotaExceededError(quotaMessage("share"));
    const oldestSize = entryBytes(oldest);
    evict += 1;
    [entries, ownEntries, bytes, ownBytes] = [entries - 1, ownEntries - 1, bytes - oldestSize, ownBytes - oldestSize];
    freed += oldestSize + MEMORY_ENTRY_OVERHEAD_BYTES;
  }
  if (totals.bytes + size + MEMORY_ENTRY_OVERHEAD_BYTES - freed > maxHeldBytes) return new QuotaExceededError(quotaMessage("budget"));
  return evict;
}

/** Holds an entry at the end of the room's log. */
export function hold(room: HeldLog, entry: StoredEntry, totals: HeldTotals): void {
  const size = entryBytes(entry);
  room.log.push(entry);
  const sender = room.senders.get(entry.user);
  if (sender) {
    sender.count += 1;
    sender.bytes += size;
  } else {
    room.senders.set(entry.user, { count: 1, bytes: size });
  }
  room.bytes += size;
  totals.entries += 1;
  totals.bytes += size + MEMORY_ENTRY_OVERHEAD_BYTES;
}

/** Deletes `user`'s `count` oldest entries (as `admit` said) from the log; returns them. */
export function pushOut(room: HeldLog, user: string, count: number, totals: HeldTotals): StoredEntry[] {
  if (count === 0) return [];
  const own: StoredEntry[] = [];
  let kept = 0;
  for (const entry of room.log) {
    if (own.length < count && entry.user === user) own.push(entry);
    else room.log[kept++] = entry;
  }
  room.log.length = kept;
  for (const oldest of own) release(room, oldest, totals);
  return own;
}

/** Deletes the `count` oldest entries of the log; returns them. */
export function shift(room: HeldLog, count: number, totals: HeldTotals): StoredEntry[] {
  const removed = room.log.splice(0, count);
  for (const entry of removed) release(room, entry, totals);
  return removed;
}

/** Forgets the counts of an entry that left the log. */
function release(room: HeldLog, entry: StoredEntry, totals: HeldTotals): void {
  const size = entryBytes(entry);
  const sender = room.senders.get(entry.user);
  if (sender) {
    sender.count -= 1;
    sender.bytes -= size;
    if (sender.count === 0) room.senders.delete(entry.user);
  }
  room.bytes -= size;
  totals.entries -= 1;
  totals.bytes -= size + MEMORY_ENTRY_OVERHEAD_BYTES;
}

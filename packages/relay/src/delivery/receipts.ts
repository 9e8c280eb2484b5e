import { MAX_RECEIPTS_PER_EVENT, type Receipt } from "@pigeon/protocol";
import type { Receipts, RelayServer } from "../context.js";
import type { Logger } from "../logger.js";
import { nameKey, type DeletedEntry, type DeliveryState, type RelayStore, type SeqRange } from "../store/relay-store.js";
import { userRoom } from "../membership/user-room.js";

interface RoomReceipts {
  timer: NodeJS.Timeout | undefined;
  /** Entries deleted since the last flush (everyone has them). */
  deleted: DeletedEntry[];
  /**
   * The seqs whose counts may have changed since the last flush: what acks moved cursors over,
   * or "all" (a member left or was dropped, or too much is remembered); empty when nothing moved.
   */
  changed: SeqRange | "all";
  /** What each sender was last told per held seq, so a flush sends only what changed. */
  reported: Map<number, number>;
}

/**
 * Coalesces delivery receipts: acks only mark a room dirty, and at most once per interval the
 * room's delivery state is read once and each sender gets one `receipts` event with the
 * messages whose count changed. A room of 1,000 members acking a message thus costs its sender
 * a handful of events, not 1,000. Only the seqs the acks moved cursors over are read (a count
 * changes nowhere else), and a message nobody has confirmed yet gets no receipt. Receipts are
 * for messages: an encrypted room's commits and proposals get none.
 *
 * @example
 * receipts.touch("lobby", result.deleted);
 */
export class ReceiptScheduler implements Receipts {
  readonly #rooms = new Map<string, RoomReceipts>();

  constructor(
    private readonly io: RelayServer,
    private readonly store: RelayStore,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  /**
   * Notes that delivery in `room` moved: which entries went, and which seqs a cursor `moved`
   * over (an ack); without `moved`, any count may have changed (a member left). Schedules a flush.
   */
  touch(room: string, deleted: readonly DeletedEntry[] = [], moved?: SeqRange): void {
    let state = this.#rooms.get(room);
    if (!state) {
      state = { timer: undefined, deleted: [], changed: NOTHING_MOVED, reported: new Map() };
      this.#rooms.set(room, state);
    }
    for (const entry of deleted) state.deleted.push(entry);
    state.changed = widened(state.changed, moved);
    if (state.timer) return;
    state.timer = setTimeout(() => {
      this.#flush(room).catch((error: unknown) => {
        this.logger.error({ err: error, room }, "sending receipts failed");
      });
    }, this.intervalMs);
  }

  /** Sends every pending receipt now (on shutdown, so senders hear what happened). */
  async flushAll(): Promise<void> {
    const pending = [...this.#rooms].filter(([, state]) => state.timer !== undefined);
    for (const [room, state] of pending) {
      clearTimeout(state.timer);
      await this.#flush(room);
    }
  }

  /** How many per-message counts it remembers for `room`: never more than the room holds, nor than one event carries. */
  rememberedCounts(room: string): number {
    return this.#rooms.get(room)?.reported.size ?? 0;
  }

  /** Stops every pending flush without sending it. */
  stop(): void {
    for (const state of this.#rooms.values()) clearTimeout(state.timer);
    this.#rooms.clear();
  }

  async #flush(room: string): Promise<void> {
    const state = this.#rooms.get(room);
    if (!state) return;
    state.timer = undefined;
    const deleted = state.deleted.splice(0);
    // Remembering as much as one event carries: look at everything, which forgets what is gone.
    const changed = state.reported.size >= MAX_RECEIPTS_PER_EVENT ? "all" : state.changed;
    state.changed = NOTHING_MOVED;
    const range = changed === "all" ? undefined : changed;
    if (range !== undefined && isEmpty(range) && deleted.length === 0) {
      // No cursor moved past a held entry and nothing went: there is nothing to tell.
      if (state.reported.size === 0 && !this.#pending(room)) this.#rooms.delete(room);
      return;
    }
    const delivery = await this.store.deliveryState(room, MAX_RECEIPTS_PER_EVENT, range);
    const bySender = new Map<string, { user: string; receipts: Receipt[] }>();
    const add = (user: string, receipt: Receipt) => {
      const key = nameKey(user);
      const group = bySender.get(key) ?? { user, receipts: [] };
      group.receipts.push(receipt);
      bySender.set(key, group);
    };
    const counter = deliveryCounter(delivery);
    for (const entry of deleted) {
      state.reported.delete(entry.seq);
      if (!isMessage(entry)) continue;
      const total = counter.total(entry.user);
      add(entry.user, { seq: entry.seq, id: entry.id, delivered: total, total, deleted: true });
    }
    for (const entry of delivery.entries) {
      if (!isMessage(entry)) continue;
      const { delivered, total } = counter.count(entry);
      // Nobody has it yet (or still the count last told): nothing to say.
      if ((state.reported.get(entry.seq) ?? 0) === delivered) continue;
      state.reported.set(entry.seq, delivered);
      add(entry.user, { seq: entry.seq, id: entry.id, delivered, total, deleted: false });
    }
    // Remember counts only for what the room still holds and receipts still cover (its newest
    // entries): entries gone some other way (expired, trimmed, dropped) would otherwise pile up.
    // A read of part of the log says so only of that part.
    const covered = new Set(delivery.entries.map(({ seq }) => seq));
    for (const seq of state.reported.keys()) if (!covered.has(seq) && within(range, seq)) state.reported.delete(seq);
    for (const { user, receipts } of bySender.values()) {
      this.io.to(userRoom(user)).emit("receipts", { room, receipts: receipts.slice(-MAX_RECEIPTS_PER_EVENT) });
    }
    // Nothing remembered and nothing new: forget the room until its next ack.
    if (state.reported.size === 0 && !this.#pending(room)) this.#rooms.delete(room);
  }

  #pending(room: string): boolean {
    return this.#rooms.get(room)?.timer !== undefined;
  }
}

const NOTHING_MOVED: SeqRange = { after: 0, through: 0 };

/** Whether the entry is a message, which gets receipts, rather than an encrypted room's group operation (a commit, a proposal), which does not. */
function isMessage({ mls }: DeletedEntry): boolean {
  return mls === undefined || mls === "application";
}

function isEmpty({ after, through }: SeqRange): boolean {
  return through <= after;
}

/** `changed` grown to cover `moved` too; "all" when `moved` is unknown (not an ack). */
function widened(changed: SeqRange | "all", moved: SeqRange | undefined): SeqRange | "all" {
  if (moved === undefined || changed === "all") return "all";
  if (isEmpty(moved)) return changed;
  if (isEmpty(changed)) return moved;
  return { after: Math.min(changed.after, moved.after), through: Math.max(changed.through, moved.through) };
}

/** Whether `seq` is in `range` (every seq is in no range at all: a read of the whole log). */
function within(range: SeqRange | undefined, seq: number): boolean {
  return range === undefined || (seq > range.after && seq <= range.through);
}

/** Counts, for a held entry, how many members other than its sender have acked it. */
function deliveryCounter({ cursors }: DeliveryState) {
  const acked = cursors.map((cursor) => cursor.acked).sort((a, b) => a - b);
  const cursorOf = new Map(cursors.map((cursor) => [nameKey(cursor.name), cursor.acked]));
  const atLeast = (seq: number): number => {
    let low = 0;
    let high = acked.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((acked[middle] ?? 0) < seq) low = middle + 1;
      else high = middle;
    }
    return acked.length - low;
  };
  return {
    total: (user: string): number => cursors.length - (cursorOf.has(nameKey(user)) ? 1 : 0),
    count({ seq, user }: DeletedEntry): { delivered: number; total: number } {
      const own = cursorOf.get(nameKey(user));
      const ownCounts = own !== undefined && own >= seq ? 1 : 0;
      return { delivered: atLeast(seq) - ownCounts, total: cursors.length - (own === undefined ? 0 : 1) };
    },
  };
}

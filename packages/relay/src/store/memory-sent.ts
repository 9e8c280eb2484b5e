// The memory store's record of what each client key's append got, so that a retry gets the
// original's place (see `RelayStore.append`): one table for the whole store, oldest first,
// under a budget, counted with the held entries.
import type { HeldTotals } from "./memory-held.js";

/** What a retry of a client key gets: the original's place in its room. */
export interface SentRecord {
  readonly seq: number;
  readonly id: string;
  readonly sentAt: number;
}

/**
 * What one record costs the heap, as counted against `maxHeldBytes`: its map slot and its key
 * (incarnation, sender's name key and a client id of up to 64 characters), and its seq, time
 * and id in the columns. Measured at about 140 bytes on Node 20 with UUID client ids and short
 * names (106 on the heap, the rest in the columns and their room to grow); rounded up for the
 * longest client ids and names, so that the budget errs on the side of the heap.
 */
export const MEMORY_SENT_RECORD_BYTES = 256;

const INITIAL_CAPACITY = 1_024;

/** A message id as `messageId` makes it: 16 base64url characters, which are 12 bytes exactly. */
const PACKABLE_ID = /^[A-Za-z0-9_-]{16}$/;
const PACKED_ID_BYTES = 12;

/**
 * Records of client keys, as few heap objects as can be: a map from key to a slot, and the
 * slots' keys, seqs, times and ids (as bytes) in a ring, the last three in typed arrays outside
 * the heap the collector walks. Records only ever join at the newest end and leave from the
 * oldest, the ring's head, whose key the ring holds: asking the map for its oldest key instead
 * (`keys().next()`) walks past every entry deleted since the map last compacted itself, which
 * at 262,144 records cost 52 µs per send, and a sweep dropping many
 * records one by one was quadratic.
 *
 * @example
 * const sent = new SentRecords(100_000, totals);
 * sent.add(`${incarnation}${clientKey}`, { seq, id, sentAt }, maxHeldBytes);
 */
export class SentRecords {
  readonly #slots = new Map<string, number>();
  /** Slot → key, so that the oldest is found without walking the map. */
  #keys: (string | undefined)[] = new Array<string | undefined>(INITIAL_CAPACITY).fill(undefined);
  #seqs = new Float64Array(INITIAL_CAPACITY);
  #sentAts = new Float64Array(INITIAL_CAPACITY);
  #ids = Buffer.alloc(INITIAL_CAPACITY * PACKED_ID_BYTES);
  /** Slot → id, for ids not in `messageId`'s form (a store's callers may pick their own). */
  readonly #otherIds = new Map<number, string>();
  /** The slot of the oldest record. */
  #head = 0;
  readonly #totals: HeldTotals;

  /** Keeps at most `maxRecords`; counts each record's bytes in `totals.bytes`. */
  constructor(
    readonly maxRecords: number,
    totals: HeldTotals,
  ) {
    this.#totals = totals;
  }

  get size(): number {
    return this.#slots.size;
  }

  get(key: string): SentRecord | undefined {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    return { seq: this.#seqs[slot] ?? 0, id: this.#idAt(slot), sentAt: this.#sentAts[slot] ?? 0 };
  }

  /**
   * Remembers a new key's record, then forgets the oldest records (the new one last) until at
   * most `maxRecords` are kept and the totals fit `maxBytes`: a record never refuses an append.
   */
  add(key: string, record: SentRecord, maxBytes: number): void {
    if (this.#slots.size === this.#seqs.length) this.#grow();
    const slot = (this.#head + this.#slots.size) % this.#seqs.length;
    this.#seqs[slot] = record.seq;
    this.#sentAts[slot] = record.sentAt;
    if (PACKABLE_ID.test(record.id)) this.#ids.write(record.id, slot * PACKED_ID_BYTES, PACKED_ID_BYTES, "base64url");
    else this.#otherIds.set(slot, record.id);
    this.#slots.set(key, slot);
    this.#keys[slot] = key;
    this.#totals.bytes += MEMORY_SENT_RECORD_BYTES;
    while (this.#slots.size > 0 && (this.#slots.size > this.maxRecords || this.#totals.bytes > maxBytes)) this.#dropOldest();
  }

  /** Forgets the records of appends before `cutoff` (ms). */
  forgetBefore(cutoff: number): void {
    while (this.#slots.size > 0 && (this.#sentAts[this.#head] ?? Infinity) < cutoff) this.#dropOldest();
  }

  clear(): void {
    this.#totals.bytes -= this.#slots.size * MEMORY_SENT_RECORD_BYTES;
    this.#slots.clear();
    this.#keys.fill(undefined);
    this.#otherIds.clear();
    this.#head = 0;
  }

  #idAt(slot: number): string {
    return this.#otherIds.get(slot) ?? this.#ids.toString("base64url", slot * PACKED_ID_BYTES, (slot + 1) * PACKED_ID_BYTES);
  }

  #dropOldest(): void {
    const oldest = this.#keys[this.#head];
    if (oldest === undefined) return;
    this.#slots.delete(oldest);
    this.#keys[this.#head] = undefined;
    this.#otherIds.delete(this.#head);
    this.#head = (this.#head + 1) % this.#seqs.length;
    this.#totals.bytes -= MEMORY_SENT_RECORD_BYTES;
  }

  /**
   * Doubles the ring, which is full. Records keep their slots, so that the map need not be
   * rewritten, except those that wrapped around below the head (the newest), which move up
   * past the old end to follow the rest.
   */
  #grow(): void {
    const capacity = this.#seqs.length;
    const wrapped = this.#head;
    const [seqs, sentAts, ids] = [new Float64Array(capacity * 2), new Float64Array(capacity * 2), Buffer.alloc(capacity * 2 * PACKED_ID_BYTES)];
    const keys = [...this.#keys, ...new Array<string | undefined>(capacity).fill(undefined)];
    for (let slot = 0; slot < wrapped; slot += 1) {
      keys[slot + capacity] = keys[slot];
      keys[slot] = undefined;
    }
    this.#keys = keys;
    seqs.set(this.#seqs);
    sentAts.set(this.#sentAts);
    this.#ids.copy(ids);
    seqs.copyWithin(capacity, 0, wrapped);
    sentAts.copyWithin(capacity, 0, wrapped);
    ids.copyWithin(capacity * PACKED_ID_BYTES, 0, wrapped * PACKED_ID_BYTES);
    [this.#seqs, this.#sentAts, this.#ids] = [seqs, sentAts, ids];
    if (wrapped === 0) return;
    for (const [key, slot] of this.#slots) if (slot < wrapped) this.#slots.set(key, slot + capacity);
    for (const [slot, id] of [...this.#otherIds]) {
      if (slot >= wrapped) continue;
      this.#otherIds.delete(slot);
      this.#otherIds.set(slot + capacity, id);
    }
  }
}

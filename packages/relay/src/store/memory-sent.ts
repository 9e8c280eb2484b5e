// The memory store's record of what each client key's append got, so that a retry gets the
// original's place (see `RelayStore.append`): one table for the whole store, oldest first,
// under a budget, counted with the held entries.
import { randomBytes } from "node:crypto";
import type { HeldTotals } from "./memory-held.js";

/** What a retry of a client key gets: the original's place in its room. */
export interface SentRecord {
  readonly seq: number;
  readonly id: string;
  readonly sentAt: number;
}

/**
 * What one record costs, as counted against `maxHeldBytes`: its key (incarnation, sender's name
 * key and a client id of up to 64 characters) and its place in the ring and the index. Measured
 * at about 125 bytes on Node 20 with UUID client ids and short names (83 on the heap, the rest
 * in the typed arrays and their room to grow); rounded up for the longest client ids and names,
 * so that the budget errs on the side of the heap.
 */
export const MEMORY_SENT_RECORD_BYTES = 256;

const INITIAL_CAPACITY = 1_024;

/** A message id as `messageId` makes it: 16 base64url characters, which are 12 bytes exactly. */
const PACKED_ID_CHARS = 16;
const PACKED_ID_BYTES = 12;

/** A base64url character's code (all below 128) → the 6 bits it stands for; -1 for any other code. */
const SEXTETS = new Int8Array(128).fill(-1);
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
for (let value = 0; value < BASE64URL.length; value += 1) SEXTETS[BASE64URL.charCodeAt(value)] = value;

/** A slot number plus one in the index; 0 is an empty place. */
const EMPTY = 0;

/**
 * Seeds the keys' hash per process, as V8 seeds its own string hash, so that a client cannot work
 * out in advance which of its ids would crowd one stretch of the index.
 */
const HASH_SEED = randomBytes(4).readUInt32LE(0);

/**
 * Records of client keys, as few heap objects as can be: the slots' keys, hashes, seqs, times and
 * ids (as bytes) in a ring, all but the keys in typed arrays outside the heap the collector walks,
 * and an open-addressing index (linear probing, at most half full) from a key's hash to its slot.
 * Records only ever join at the newest end and leave from the oldest, the ring's head.
 *
 * No `Map`, for two measured reasons. Asking a map for its oldest key (`keys().next()`) walks past
 * every entry deleted since it last compacted itself: at 262,144 records that cost 52 µs per send,
 * and a sweep was quadratic. And a map whose entries are deleted as fast as they are added
 * rebuilds its whole table each time the deleted ones fill it: at 1,000,000 records, a 60 MB
 * allocation and copy that stalled the event loop for 180–290 ms about once per 1,100,000 sends.
 * The index here never rebuilds but when the ring grows, and deletes in place (backward shift).
 *
 * @example
 * const sent = new SentRecords(100_000, totals);
 * sent.add(`${incarnation}${clientKey}`, { seq, id, sentAt }, maxHeldBytes);
 */
export class SentRecords {
  /** Slot → key; undefined for a free slot or a record replaced by a later one of the same key. */
  #keys: (string | undefined)[] = new Array<string | undefined>(INITIAL_CAPACITY).fill(undefined);
  #hashes = new Uint32Array(INITIAL_CAPACITY);
  #seqs = new Float64Array(INITIAL_CAPACITY);
  #sentAts = new Float64Array(INITIAL_CAPACITY);
  #ids = Buffer.alloc(INITIAL_CAPACITY * PACKED_ID_BYTES);
  /** The key hashed last and its hash: `add` follows a `get` of the same key on every append. */
  #lastKey: string | undefined;
  #lastHash = 0;
  /** Slot → id, for ids not in `messageId`'s form (a store's callers may pick their own). */
  readonly #otherIds = new Map<number, string>();
  /** Places of slot + 1 (`EMPTY`: none), twice the ring's capacity: a power of two. */
  #index = new Int32Array(INITIAL_CAPACITY * 2);
  /** The slot of the oldest record, and how many slots from it on are in use. */
  #head = 0;
  #used = 0;
  #size = 0;
  readonly #totals: HeldTotals;

  /** Keeps at most `maxRecords`; counts each record's bytes in `totals.bytes`. */
  constructor(
    readonly maxRecords: number,
    totals: HeldTotals,
  ) {
    this.#totals = totals;
  }

  get size(): number {
    return this.#size;
  }

  get(key: string): SentRecord | undefined {
    const slot = this.#find(key, this.#hash(key));
    if (slot === undefined) return undefined;
    return { seq: this.#seqs[slot] ?? 0, id: this.#idAt(slot), sentAt: this.#sentAts[slot] ?? 0 };
  }

  /**
   * Remembers a key's record (replacing the key's earlier one, if any), then forgets the oldest
   * records (the new one last) until at most `maxRecords` are kept and the totals fit
   * `maxBytes`: a record never refuses an append.
   */
  add(key: string, record: SentRecord, maxBytes: number): void {
    const hash = this.#hash(key);
    const earlier = this.#find(key, hash);
    if (earlier !== undefined) this.#forget(earlier);
    if (this.#used === this.#seqs.length) this.#grow();
    const slot = (this.#head + this.#used) % this.#seqs.length;
    this.#used += 1;
    this.#size += 1;
    this.#seqs[slot] = record.seq;
    this.#sentAts[slot] = record.sentAt;
    if (!packId(record.id, this.#ids, slot * PACKED_ID_BYTES)) this.#otherIds.set(slot, record.id);
    this.#keys[slot] = key;
    this.#hashes[slot] = hash;
    this.#insert(slot, hash);
    this.#totals.bytes += MEMORY_SENT_RECORD_BYTES;
    while (this.#size > 0 && (this.#size > this.maxRecords || this.#totals.bytes > maxBytes)) this.#dropHead();
  }

  /** Forgets the records of appends before `cutoff` (ms). */
  forgetBefore(cutoff: number): void {
    while (this.#used > 0 && (this.#keys[this.#head] === undefined || (this.#sentAts[this.#head] ?? Infinity) < cutoff)) this.#dropHead();
  }

  clear(): void {
    this.#totals.bytes -= this.#size * MEMORY_SENT_RECORD_BYTES;
    this.#keys.fill(undefined);
    this.#index.fill(EMPTY);
    this.#otherIds.clear();
    this.#head = 0;
    this.#used = 0;
    this.#size = 0;
  }

  #hash(key: string): number {
    if (key !== this.#lastKey) {
      this.#lastKey = key;
      this.#lastHash = hashOf(key);
    }
    return this.#lastHash;
  }

  #idAt(slot: number): string {
    return this.#otherIds.get(slot) ?? this.#ids.toString("base64url", slot * PACKED_ID_BYTES, (slot + 1) * PACKED_ID_BYTES);
  }

  /** The slot of `key`'s record, if it has one. */
  #find(key: string, hash: number): number | undefined {
    const mask = this.#index.length - 1;
    for (let place = hash & mask; ; place = (place + 1) & mask) {
      const entry = this.#index[place] ?? EMPTY;
      if (entry === EMPTY) return undefined;
      const slot = entry - 1;
      if (this.#hashes[slot] === hash && this.#keys[slot] === key) return slot;
    }
  }

  #insert(slot: number, hash: number): void {
    const mask = this.#index.length - 1;
    let place = hash & mask;
    while (this.#index[place] !== EMPTY) place = (place + 1) & mask;
    this.#index[place] = slot + 1;
  }

  /** Forgets a live slot's record: out of the index, its key freed. */
  #forget(slot: number): void {
    this.#unindex(slot);
    this.#keys[slot] = undefined;
    this.#otherIds.delete(slot);
    this.#size -= 1;
    this.#totals.bytes -= MEMORY_SENT_RECORD_BYTES;
  }

  /**
   * Takes a slot out of the index, moving back each later entry of its probe run that may fill
   * the hole (a linear-probing table's deletion without tombstones).
   */
  #unindex(slot: number): void {
    const mask = this.#index.length - 1;
    const index = this.#index;
    let hole = (this.#hashes[slot] ?? 0) & mask;
    while (index[hole] !== slot + 1) {
      // A probe run ends at an empty place: the slot is not indexed (never so; but no endless loop if it were).
      if (index[hole] === EMPTY) return;
      hole = (hole + 1) & mask;
    }
    for (let place = (hole + 1) & mask; index[place] !== EMPTY; place = (place + 1) & mask) {
      const home = (this.#hashes[(index[place] ?? EMPTY) - 1] ?? 0) & mask;
      // The entry may move back to the hole if the hole is not before its home in the run.
      if (((place - home) & mask) >= ((place - hole) & mask)) {
        index[hole] = index[place] ?? EMPTY;
        hole = place;
      }
    }
    index[hole] = EMPTY;
  }

  /** Frees the ring's oldest slot, forgetting its record unless a later one of its key replaced it. */
  #dropHead(): void {
    if (this.#keys[this.#head] !== undefined) this.#forget(this.#head);
    this.#head = (this.#head + 1) % this.#seqs.length;
    this.#used -= 1;
  }

  /**
   * Doubles the ring, which is full, and builds the index anew at twice that. Records keep their
   * slots, except those that wrapped around below the head (the newest), which move up past the
   * old end to follow the rest.
   */
  #grow(): void {
    const capacity = this.#seqs.length;
    const wrapped = this.#head;
    const [seqs, sentAts, hashes, ids] = [new Float64Array(capacity * 2), new Float64Array(capacity * 2), new Uint32Array(capacity * 2), Buffer.alloc(capacity * 2 * PACKED_ID_BYTES)];
    const keys = [...this.#keys, ...new Array<string | undefined>(capacity).fill(undefined)];
    for (let slot = 0; slot < wrapped; slot += 1) {
      keys[slot + capacity] = keys[slot];
      keys[slot] = undefined;
    }
    this.#keys = keys;
    seqs.set(this.#seqs);
    sentAts.set(this.#sentAts);
    hashes.set(this.#hashes);
    this.#ids.copy(ids);
    seqs.copyWithin(capacity, 0, wrapped);
    sentAts.copyWithin(capacity, 0, wrapped);
    hashes.copyWithin(capacity, 0, wrapped);
    ids.copyWithin(capacity * PACKED_ID_BYTES, 0, wrapped * PACKED_ID_BYTES);
    [this.#seqs, this.#sentAts, this.#hashes, this.#ids] = [seqs, sentAts, hashes, ids];
    for (const [slot, id] of [...this.#otherIds]) {
      if (slot >= wrapped) continue;
      this.#otherIds.delete(slot);
      this.#otherIds.set(slot + capacity, id);
    }
    this.#index = new Int32Array(capacity * 4);
    for (let slot = 0; slot < capacity * 2; slot += 1) if (keys[slot] !== undefined) this.#insert(slot, hashes[slot] ?? 0);
  }
}

/**
 * Writes an id of `messageId`'s form into its 12 bytes from `offset` and says whether it was of
 * that form; when it was not, what it wrote there means nothing. It does what the form's regular
 * expression and `Buffer.write(id, offset, 12, "base64url")` did, without the call into C++ that
 * made the write 1.9 µs of every keyed append (CPU profile, keyed 1:1 at 6,000 messages/s).
 */
function packId(id: string, bytes: Buffer, offset: number): boolean {
  if (id.length !== PACKED_ID_CHARS) return false;
  for (let index = 0, at = offset; index < PACKED_ID_CHARS; index += 4, at += 3) {
    const bits = (sextet(id, index) << 18) | (sextet(id, index + 1) << 12) | (sextet(id, index + 2) << 6) | sextet(id, index + 3);
    // A -1 among them sets the sign bit (its shifted copy is negative, and OR keeps that).
    if (bits < 0) return false;
    bytes[at] = bits >>> 16;
    bytes[at + 1] = (bits >>> 8) & 0xff;
    bytes[at + 2] = bits & 0xff;
  }
  return true;
}

/** The 6 bits a base64url character stands for; -1 for any other character. */
function sextet(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < SEXTETS.length ? (SEXTETS[code] ?? -1) : -1;
}

/** FNV-1a over the key's UTF-16 code units from a per-process seed, then murmur3's finalizer, so that every bit of the result mixes. */
function hashOf(key: string): number {
  let hash = (0x811c9dc5 ^ HASH_SEED) >>> 0;
  for (let index = 0; index < key.length; index += 1) hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

import { randomBytes } from "node:crypto";
import type { Member } from "@pigeon/protocol";

/** How a login claims a name: a guest for this connection, or a keyed identity. */
export type NameClaim = { readonly kind: "guest" } | { readonly kind: "keyed"; readonly publicKey: string };

/** A message as the store holds it until every member has confirmed it. */
export interface StoredEntry {
  readonly seq: number;
  readonly id: string;
  readonly user: string;
  readonly message: string;
  readonly sentAt: number;
}

/** An entry every member has (or that nobody is owed any more), so the store deleted it: what a receipt names. */
export type DeletedEntry = Pick<StoredEntry, "seq" | "id" | "user">;

/**
 * A keyed identity's place in a room: the last seq it confirmed, of the room's incarnation.
 * A type rather than an interface, so that it fits the protocol's loose `Membership`.
 */
export type RoomCursor = {
  readonly room: string;
  readonly acked: number;
  readonly incarnation: string;
};

/** A range of seqs (inclusive) dropped before every member had them. */
export interface ExpiredRange {
  readonly from: number;
  readonly to: number;
}

/** What `sweep` removed from one room. */
export interface SweepReport {
  readonly room: string;
  /** Messages dropped for outliving the TTL. */
  readonly expired?: ExpiredRange;
  /** Members dropped for being away longer than the member TTL. */
  readonly droppedMembers: readonly string[];
  /** Entries deleted because the dropped members were the last ones missing them. */
  readonly deleted: readonly DeletedEntry[];
  /** The room's incarnation, which `expired` belongs to. */
  readonly incarnation?: string;
}

/**
 * What `append` did: the seq given, its incarnation, and what the quota pushed out; or, for a
 * repeated client key, the original's seq, incarnation, id and time, with nothing stored.
 */
export interface Appended {
  readonly seq: number;
  readonly incarnation: string;
  readonly expired?: ExpiredRange;
  /** Set when the client key was seen: this is a retry of an earlier append. */
  readonly original?: Pick<StoredEntry, "id" | "sentAt">;
}

/** What `entriesAfter` read: held entries, the room's latest seq and its incarnation. */
export interface HeldAfter {
  readonly entries: StoredEntry[];
  readonly lastSeq: number;
  readonly incarnation: string;
}

/** Where delivery of a room stands, for receipts. */
export interface DeliveryState {
  /** Every member's cursor. */
  readonly cursors: readonly { readonly name: string; readonly acked: number }[];
  /** The held entries, oldest first (at most `limit`, the newest ones). */
  readonly entries: readonly Pick<StoredEntry, "seq" | "id" | "user">[];
}

/** Bounds on what the store holds. */
export interface RetentionLimits {
  /** Undelivered messages are dropped after this long. */
  readonly messageTtlMs: number;
  /** Members not connected for this long are dropped from their rooms. */
  readonly memberTtlMs: number;
  /** Most messages one room holds; past it the oldest go. */
  readonly maxRoomEntries: number;
  /** Most bytes of messages one room holds; past it the oldest go. */
  readonly maxRoomBytes: number;
}

/**
 * Everything the relay remembers, behind one async interface so that the in-memory store and
 * the Redis store are interchangeable and pass one contract suite (./store-contract.ts).
 *
 * Connection ids are socket.io socket ids, unique across nodes. Names compare by `nameKey`
 * (case-folded), but are stored and listed as first claimed. Times are passed in (`now`, ms),
 * never read from a clock here, so tests can move time.
 *
 * Delivery model: each room has a sequence counter and a log, and an incarnation: a random id
 * fixed when the room's state is created (and, in Redis, renewed when Redis may have brought
 * back an older copy of it), which names the run of seqs. Every answer that carries a seq
 * carries the incarnation it belongs to, so that a client can tell a room that started over.
 * Keyed members have a cursor, the last seq they confirmed (`ack`). An entry is held only
 * while some member's cursor is below it; it goes the moment the last member confirms it,
 * when it outlives the TTL, or when the room's quota pushes it out. Guests are live-only: they never pin an entry.
 *
 * @example
 * const store: RelayStore = new MemoryStore(limits);
 * if (!(await store.claimName("alice", { kind: "guest" }, socket.id, Date.now()))) refuse();
 */
export interface RelayStore {
  /** Where state lives: `memory` loses it on restart, `redis` keeps it. */
  readonly kind: "memory" | "redis";
  /** The bounds this store enforces. */
  readonly limits: RetentionLimits;

  /**
   * Claims a name for a connection. A guest gets it only if nobody holds it. A keyed identity
   * gets it if nobody holds it or the same key does (resuming, from any number of connections).
   * Returns false when taken.
   */
  claimName(name: string, claim: NameClaim, connectionId: string, now: number): Promise<boolean>;
  /**
   * A connection that claimed `name` has closed. A guest's name is freed; a keyed identity's
   * name is freed once it has neither connections nor rooms, and its away-time starts now.
   */
  releaseName(name: string, connectionId: string, now: number): Promise<void>;

  /**
   * Makes a keyed identity a member of `room`; returns its cursor, which for a new member is
   * the room's latest seq (so it gets nothing from before it joined). Idempotent.
   */
  addMember(room: string, name: string, now: number): Promise<Omit<RoomCursor, "room">>;
  /**
   * Ends a membership, and the name's presence in the room on every connection; entries that
   * only this member was missing are deleted, and returned.
   */
  removeMember(room: string, name: string): Promise<DeletedEntry[]>;
  /** A keyed identity's rooms and cursors. */
  memberships(name: string): Promise<RoomCursor[]>;

  /** Marks `name` online in `room` through `connectionId`. */
  addPresence(room: string, name: string, connectionId: string): Promise<void>;
  /** Removes one connection's presence; a guest leaves the list with its last connection. */
  removePresence(room: string, name: string, connectionId: string): Promise<void>;
  /** Keyed members (online or not) and online guests, sorted by name. */
  members(room: string): Promise<Member[]>;

  /**
   * Gives the entry the room's next seq and, if the room has members, holds it. Pushes out the
   * oldest entries beyond the quota and reports them. With a `clientKey` (sender and client
   * message id) seen in the room before, stores nothing and returns the original instead;
   * keys are remembered for the message TTL and at most `maxRoomEntries` per room.
   */
  append(room: string, entry: Omit<StoredEntry, "seq">, clientKey?: string): Promise<Appended>;
  /**
   * Moves a member's cursor forward to `seq` (never back, never past the room's latest) and
   * deletes what every member now has. Returns the new cursor and the deleted entries, or
   * undefined when `name` is not a member.
   */
  ack(
    room: string,
    name: string,
    seq: number,
    now: number,
  ): Promise<{ acked: number; deleted: DeletedEntry[] } | undefined>;
  /**
   * The held entries after `after`, oldest first, and the room's latest seq. An entry after
   * `after` that is not there was expired.
   */
  entriesAfter(room: string, after: number): Promise<HeldAfter>;
  /** Cursors and the newest `limit` held entries, for receipts. */
  deliveryState(room: string, limit: number): Promise<DeliveryState>;

  /** Drops entries older than the TTL and members away longer than the member TTL. */
  sweep(now: number): Promise<SweepReport[]>;
  /**
   * Says that this store's node is alive. Nodes share a store; one that stops calling this
   * (killed, frozen, cut off) is presumed dead after a while, and `reapDeadNodes` releases what
   * its connections held.
   */
  heartbeat(now: number): Promise<void>;
  /**
   * Releases the names and presence held by connections of nodes whose last heartbeat is older
   * than `deadAfterMs`, as their disconnect handlers would have. Returns the rooms whose member
   * lists changed.
   */
  reapDeadNodes(now: number, deadAfterMs: number): Promise<string[]>;

  /** False while the store cannot be reached (Redis down); the relay then refuses new work. */
  healthy(): boolean;
  /**
   * Whether an error thrown by this store means it could not be reached (so the client should
   * hear UNAVAILABLE and retry), rather than a bug. The connection may fail before `healthy()`
   * has noticed.
   */
  isUnavailableError(error: unknown): boolean;
  /** How many entries the store holds in all, for tests and metrics. */
  heldEntries(): Promise<number>;

  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** The key a name is held under: case-folded and Unicode-normalised. */
export function nameKey(name: string): string {
  return name.normalize("NFKC").toLowerCase();
}

/** The bytes an entry counts against a room's quota. */
export function entryBytes(entry: Pick<StoredEntry, "id" | "user" | "message">): number {
  return Buffer.byteLength(entry.message) + Buffer.byteLength(entry.user) + entry.id.length;
}

/**
 * A new room incarnation: 48 random bits as 8 base64url characters, which every message
 * carries. Incarnations of one room only need to differ from each other.
 *
 * @example
 * newIncarnation() // "Yq3vS0b1"
 */
export function newIncarnation(): string {
  return randomBytes(6).toString("base64url");
}

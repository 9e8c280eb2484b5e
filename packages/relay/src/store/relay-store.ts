import { randomText } from "./random-text.js";
import type { GroupStatus, Member, MlsKind, RoomMode } from "@pigeon/protocol";

/** Why a store refuses every write, as `/healthz` tells the operator. */
export type FullReason = "out of memory" | "cannot save to its disk";

/** How a login claims a name: a guest for this connection, or a keyed identity. */
export type NameClaim = { readonly kind: "guest" } | { readonly kind: "keyed"; readonly publicKey: string };

/** Why `claimName` refused a name: who holds it (or a look-alike of it), under what name. */
export interface NameTaken {
  /** A guest online, or a keyed identity (online, in rooms, or seen within the member TTL). */
  readonly holder: "guest" | "key";
  /** The name as its holder claimed it: the name asked for, in another case, or a look-alike. */
  readonly heldAs: string;
}

/** A message as the store holds it until every member has confirmed it. */
export interface StoredEntry {
  readonly seq: number;
  readonly id: string;
  readonly user: string;
  readonly message: string;
  readonly sentAt: number;
  /** In encrypted rooms: what kind of MLS message `message` (base64) is, as the relay read it. */
  readonly mls?: MlsKind;
  /** In encrypted rooms: the epoch the MLS message was made in. */
  readonly epoch?: number;
}

/**
 * The entry as held, with its seq. Built field by field: V8 builds `{ ...entry, seq }` (a
 * spread with a property after it) on a slow path, about 0.55 µs against 0.02 µs on Node 20,
 * and the memory store holds every message this way.
 *
 * @example
 * withSeq({ id, user, message, sentAt }, 42) // { seq: 42, id, user, message, sentAt }
 */
export function withSeq(entry: Omit<StoredEntry, "seq">, seq: number): StoredEntry {
  const { id, user, message, sentAt, mls, epoch } = entry;
  if (mls === undefined) return { seq, id, user, message, sentAt };
  return epoch === undefined ? { seq, id, user, message, sentAt, mls } : { seq, id, user, message, sentAt, mls, epoch };
}

/** The seqs `after < seq <= through`. */
export interface SeqRange {
  readonly after: number;
  readonly through: number;
}

/**
 * An entry every member has (or that nobody is owed any more), so the store deleted it: what a
 * receipt names. `mls` says what an encrypted room's entry was: receipts are for messages, not
 * for group operations (commits, proposals).
 */
export type DeletedEntry = Pick<StoredEntry, "seq" | "id" | "user" | "mls">;

/**
 * A keyed identity's place in a room: the last seq it confirmed, of the room's incarnation.
 * A type rather than an interface, so that it fits the protocol's loose `Membership`.
 */
export type RoomCursor = {
  readonly room: string;
  readonly acked: number;
  readonly incarnation: string;
  /** The room's mode, fixed when its state was created. */
  readonly mode: RoomMode;
};

/** What `addMember` may be told: the mode a new room gets, and the key the member logged in with. */
export interface MemberOptions {
  /** The mode of the room if this creates it (default plain); an existing room keeps its own. */
  readonly mode?: RoomMode;
  /** The member's login public key (base64url), which its group leaf must carry. */
  readonly publicKey?: string;
}

/**
 * A member's place after `addMember`; in an encrypted room also its group's status, and whether
 * this join changed the pending removals (a name back with the key of its leaf, or another key).
 */
export type MemberPlace = Omit<RoomCursor, "room"> & { readonly group?: GroupChange; readonly groupChanged?: boolean };

/** What `removeMember` did: entries only that member was missing, and the group status if it changed. */
export interface Removed {
  readonly deleted: DeletedEntry[];
  readonly group?: GroupChange;
}

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
  /** The group's status, when dropping members made removals pending. */
  readonly group?: GroupChange;
}

/**
 * What `append` did: the seq given, its incarnation, and what the quota pushed out (the
 * sender's own oldest entries, from the first to the last seq pushed out: entries of others
 * inside that range are still held); or, for a
 * repeated client key, the original's seq, incarnation, id and time, with nothing stored.
 */
export interface Appended {
  readonly seq: number;
  readonly incarnation: string;
  readonly expired?: ExpiredRange;
  /** Set when the client key was seen: this is a retry of an earlier append. */
  readonly original?: Pick<StoredEntry, "id" | "sentAt">;
  /** Set by `append` when the room is encrypted: nothing was stored (seq 0, no incarnation). */
  readonly encrypted?: true;
}

/** A leaf of an encrypted room's group, as the relay read it from the group's latest GroupInfo. */
export interface GroupLeaf {
  /** The leaf index: what a remove proposal names. */
  readonly leaf: number;
  readonly name: string;
  /** `nameKey(name)`: the membership the leaf stands for. */
  readonly nameKey: string;
  /** The leaf's signature key in base64url: for a member in good standing, its login key. */
  readonly publicKey: string;
}

/** A GroupInfo as the relay keeps it: the bytes as received (base64), with what it read of them. */
export interface GroupRecordInput {
  /** The group id as UTF-8 text: `pigeon/<incarnation>/<room>`. */
  readonly groupId: string;
  readonly groupInfo: string;
  readonly epoch: number;
  readonly leaves: readonly GroupLeaf[];
}

/** An encrypted room's group status with the room's incarnation: what `groupStatus` carries. */
export type GroupChange = GroupStatus & { readonly incarnation: string };

/** Everything `groupInfo` answers: the room's mode and place, and its group (if it has one). */
export type GroupView = GroupChange & {
  readonly mode: RoomMode;
  readonly groupInfo: string | null;
  /** The room's latest seq, read together with the GroupInfo. */
  readonly seq: number;
};

/** Why the store refused a group operation: the room is plain, the epoch moved, removals are pending, the group id or the sender is wrong. */
export type GroupRefusal = "plain" | "stale" | "pending" | "group-id" | "sender";

/** A refused group operation, with where the group stands. */
export interface GroupRefused {
  readonly refused: GroupRefusal;
  readonly group: GroupChange;
}

/** Whether a group operation was refused. */
export function isRefused(outcome: GroupChange | GroupRefused): outcome is GroupRefused {
  return "refused" in outcome && typeof outcome.refused === "string";
}

/** Who made a commit: a member at its leaf (whose stored name and key must be the sender's), or a newcomer. */
export type Committer = { readonly leaf: number; readonly nameKey: string; readonly publicKey: string } | "external";

/**
 * An MLS message for an encrypted room's log, as the relay read its framing: an application
 * message or proposal (made in `entry.epoch`), or a commit with the GroupInfo of the epoch it
 * starts.
 */
export type MlsSubmission =
  | { readonly kind: "application" | "proposal" }
  | { readonly kind: "commit"; readonly groupId: string; readonly committer: Committer; readonly next: GroupRecordInput };

/** What `appendMls` did: the entry's place and the group after it, or why nothing was stored. */
export type MlsAppended = (Appended & { readonly refused?: undefined; readonly group: GroupChange; readonly changed: boolean }) | GroupRefused;

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
  readonly entries: readonly DeletedEntry[];
}

/** Bounds on what the store holds. */
export interface RetentionLimits {
  /** Undelivered messages are dropped after this long. */
  readonly messageTtlMs: number;
  /** Members not connected for this long are dropped from their rooms. */
  readonly memberTtlMs: number;
  /**
   * Most messages one room holds. One sender holds at most half of it (rounded up): past its
   * share, or past the room's quota, its own oldest go; when its own are too few, its append is
   * refused (`QuotaExceededError`). No sender ever pushes out what another sent.
   */
  readonly maxRoomEntries: number;
  /** Most bytes of messages one room holds; one sender at most half of it, as `maxRoomEntries`. */
  readonly maxRoomBytes: number;
  /**
   * The budget for everything held (a relay's for the memory store, a deployment's for Redis),
   * counted as `entryBytes` plus the store's per-entry overhead; an append past it is refused.
   * Unset: no budget.
   */
  readonly maxHeldBytes?: number;
  /**
   * Most client keys the memory store remembers for retries, over all its rooms; past it the
   * oldest are forgotten first (a retry of one is then a new message). Their bytes count
   * against `maxHeldBytes` too, whose limit also forgets the oldest rather than refuse.
   * Unset: as many as a quarter of `maxHeldBytes` pays for (no bound without a budget).
   * The Redis store keeps `maxRoomEntries` keys per room instead.
   */
  readonly maxSentRecords?: number;
  /** Most rooms one keyed identity is a member of, over all its connections. Unset: no bound. */
  readonly maxRoomsPerIdentity?: number;
}

/** A sender's share of a room's quota: half, so others always keep room (at least one entry). */
export function senderShare(limits: Pick<RetentionLimits, "maxRoomEntries" | "maxRoomBytes">): { entries: number; bytes: number } {
  return { entries: Math.ceil(limits.maxRoomEntries / 2), bytes: Math.floor(limits.maxRoomBytes / 2) };
}

/**
 * What a store holds in all: held entries, and the bytes counted against `maxHeldBytes` (those
 * entries' and, in the memory store, the client-key records').
 */
export interface StoreUsage {
  readonly entries: number;
  readonly bytes: number;
}

// Stores throw it; it lives with the relay's other errors, below every layer that uses it.
export { QuotaExceededError } from "../errors.js";

/** The message of a refusal for want of room's quota or budget, by what ran out. */
export function quotaMessage(reason: "share" | "budget" | "rooms", limit?: number): string {
  switch (reason) {
    case "share":
      return "this room holds as many of your messages as it may for members who have not read them: wait until they read (older ones of yours go as they do)";
    case "budget":
      return "the relay holds as many unread messages as it may: wait until members read what is held";
    case "rooms":
      return `an identity may be a member of at most ${String(limit)} rooms: leave one first`;
  }
}

/**
 * Everything the relay remembers, behind one async interface so that the in-memory store and
 * the Redis store are interchangeable and pass one contract suite (./store-contract.ts).
 *
 * Connection ids are socket.io socket ids, unique across nodes. Names compare by `nameKey`
 * (their confusable skeleton, case-folded), but are stored and listed as first claimed. Times are passed in (`now`, ms),
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
 * if ((await store.claimName("alice", { kind: "guest" }, socket.id, Date.now())) !== true) refuse();
 */
export interface RelayStore {
  /** Where state lives: `memory` loses it on restart, `redis` keeps it. */
  readonly kind: "memory" | "redis";
  /** The bounds this store enforces. */
  readonly limits: RetentionLimits;

  /**
   * Claims a name (and every look-alike of it: names compare by `nameKey`) for a connection. A
   * guest gets it only if nobody holds it. A keyed identity gets it if nobody holds it or the
   * same key does (resuming, from any number of connections). A keyed identity holds its name
   * while it has connections or rooms, and for the member TTL after its last connection closed.
   * Returns true, or who holds the name.
   */
  claimName(name: string, claim: NameClaim, connectionId: string, now: number): Promise<true | NameTaken>;
  /**
   * A connection that claimed `name` has closed. A guest's name is freed; with a keyed
   * identity's last connection, its away-time starts now: its name stays held while it has rooms
   * and for the member TTL after `now` (then `sweep` forgets it).
   */
  releaseName(name: string, connectionId: string, now: number): Promise<void>;

  /**
   * Makes a keyed identity a member of `room`; returns its cursor, which for a new member is
   * the room's latest seq (so it gets nothing from before it joined). Idempotent. Throws
   * `QuotaExceededError`, changing nothing, for a new membership past `maxRoomsPerIdentity`.
   */
  addMember(room: string, name: string, now: number, options?: MemberOptions): Promise<MemberPlace>;
  /**
   * Ends a membership, and the name's presence in the room on every connection; entries that
   * only this member was missing are deleted, and returned. In an encrypted room the member's
   * leaves become pending removals.
   */
  removeMember(room: string, name: string): Promise<Removed>;
  /** A keyed identity's rooms and cursors. */
  memberships(name: string): Promise<RoomCursor[]>;

  /**
   * Marks `name` online in `room` through `connectionId`, creating the room with `mode` (default
   * plain) if it has no state. Returns the room's mode. With `only`, a room of another mode is
   * left alone (nothing is marked) and its mode returned.
   */
  addPresence(room: string, name: string, connectionId: string, mode?: RoomMode, only?: RoomMode): Promise<RoomMode>;
  /** The room's mode, or undefined when the room has no state (a join would create it). */
  roomMode(room: string): Promise<RoomMode | undefined>;
  /** Removes one connection's presence; a guest leaves the list with its last connection. */
  removePresence(room: string, name: string, connectionId: string): Promise<void>;
  /** Keyed members (online or not) and online guests, sorted by name. */
  members(room: string): Promise<Member[]>;

  /**
   * Gives the entry the room's next seq and, if the room has members, holds it. Past the
   * sender's share of the room's quota, or the quota itself, pushes out the sender's own oldest
   * entries and reports them; throws `QuotaExceededError`, changing nothing, when those are too
   * few or the store's `maxHeldBytes` would be passed. With a `clientKey` (sender and client
   * message id) seen in the room before, stores nothing and returns the original instead;
   * keys are remembered for the message TTL, while the store's bound on them (memory:
   * `maxSentRecords` over all rooms; Redis: `maxRoomEntries` per room) keeps them. Stores
   * nothing in an encrypted room (`encrypted`): its log holds MLS messages only (`appendMls`).
   */
  append(room: string, entry: Omit<StoredEntry, "seq">, clientKey?: string): Promise<Appended>;
  /**
   * The MLS twin of `append`, for encrypted rooms, checked and applied atomically: a retried
   * client key gets the original first; then the room must be encrypted and `entry.epoch` the
   * group's epoch. A commit also needs the stored group id and, from a member, the stored leaf
   * of the sender; it moves the group to the next epoch with its GroupInfo and leaves, and
   * recomputes the pending removals. Other messages need no removal pending.
   */
  appendMls(room: string, entry: Omit<StoredEntry, "seq">, submission: MlsSubmission, clientKey?: string): Promise<MlsAppended>;
  /**
   * Starts an encrypted room's group with its first GroupInfo (epoch 0, one leaf), if the room
   * has no group yet and the group id names this incarnation of the room.
   */
  createGroup(room: string, group: GroupRecordInput): Promise<GroupChange | GroupRefused>;
  /** The room's group and latest seq, read together; undefined when the room has no state. */
  groupView(room: string): Promise<GroupView | undefined>;
  /**
   * Moves a member's cursor forward to `seq` (never back, never past the room's latest) and
   * deletes what every member now has. Returns the cursor before (`from`) and after (`acked`)
   * and the deleted entries, or undefined when `name` is not a member.
   */
  ack(
    room: string,
    name: string,
    seq: number,
    now: number,
  ): Promise<{ acked: number; from: number; deleted: DeletedEntry[] } | undefined>;
  /**
   * The held entries after `after`, oldest first, and the room's latest seq. An entry after
   * `after` that is not there was expired.
   */
  entriesAfter(room: string, after: number): Promise<HeldAfter>;
  /**
   * Cursors and the newest `limit` held entries, for receipts; with `range`, only the newest
   * `limit` of those with `range.after < seq <= range.through` (what some acks moved over).
   */
  deliveryState(room: string, limit: number, range?: SeqRange): Promise<DeliveryState>;

  /**
   * Drops entries older than the TTL and members away longer than the member TTL, and forgets
   * keyed identities away that long (their names are free again).
   */
  sweep(now: number): Promise<SweepReport[]>;
  /**
   * Says that this store's node is alive. Nodes share a store; one that stops calling this
   * (killed, frozen, cut off) is presumed dead after a while, and `reapDeadNodes` releases what
   * its connections held. Resolves true (once) when that happened to this node (another node
   * found its beat stale while it was cut off or frozen): its connections no longer hold their
   * names or presence.
   */
  heartbeat(now: number): Promise<boolean>;
  /**
   * Releases the names and presence held by connections of nodes whose heartbeat has not changed
   * for `deadAfterMs` (timed on this node's clock only: nodes' clocks may disagree), as their
   * disconnect handlers would have. Returns the rooms whose member lists changed.
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
  /** Held entries and the bytes they count against `maxHeldBytes`, cheaply (a counter), for metrics. */
  usage(): Promise<StoreUsage>;
  /**
   * Why the store refuses every write, while it does: Redis answered OOM (out of memory) or
   * MISCONF (it cannot save to its disk); a cheap write probe clears it once writes succeed
   * again. `/healthz` answers 503 meanwhile. Undefined while writes are taken.
   */
  whyFull(): FullReason | undefined;
  /**
   * Whether an error thrown by this store is such a refusal (the client should hear
   * STORE_FULL); such an error also sets `whyFull()` until a write succeeds again.
   */
  isFullError(error: unknown): boolean;

  /** Releases connections and timers. */
  close(): Promise<void>;
}

export { nameKey } from "./name-key.js";

/** What `append` answers for an encrypted room. */
export const ENCRYPTED: Appended = { seq: 0, incarnation: "", encrypted: true };

/** The group id an encrypted room's group must have in one incarnation, as UTF-8 text. */
export function groupIdOf(room: string, incarnation: string): string {
  return `pigeon/${incarnation}/${room}`;
}

/** The bytes an entry counts against a room's quota (and, with the store's per-entry overhead, the budget). */
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
  return randomText(INCARNATION_BYTES);
}

const INCARNATION_BYTES = 6;

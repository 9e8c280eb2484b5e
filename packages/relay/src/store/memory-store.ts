import type { Member, RoomMode } from "@pigeon/protocol";
import { groupRecord, refreshName, samePending, statusOf, type GroupRecord } from "./memory-group.js";
import { admit, hold, pushOut, shift, type HeldLog, type HeldTotals } from "./memory-held.js";
import { MEMORY_SENT_RECORD_BYTES, SentRecords } from "./memory-sent.js";
import {
  ENCRYPTED,
  groupIdOf,
  nameKey,
  newIncarnation,
  QuotaExceededError,
  quotaMessage,
  type Appended,
  type DeletedEntry,
  type GroupChange,
  type GroupRecordInput,
  type GroupRefusal,
  type GroupRefused,
  type GroupView,
  type MemberOptions,
  type MemberPlace,
  type MlsAppended,
  type MlsSubmission,
  type Removed,
  type SeqRange,
  type DeliveryState,
  type ExpiredRange,
  type HeldAfter,
  type NameClaim,
  type NameTaken,
  type RelayStore,
  type RetentionLimits,
  type RoomCursor,
  type StoredEntry,
  type StoreUsage,
  type SweepReport,
  withSeq,
} from "./relay-store.js";
import { hasId, withId, withoutId, type ConnectionIds } from "./connection-ids.js";

interface NameRecord {
  name: string;
  claim: NameClaim;
  /** Undefined once the last one closed. */
  connections: ConnectionIds | undefined;
  /** When the last connection closed (keyed identities). */
  awaySince: number;
}

interface MemberRecord {
  name: string;
  acked: number;
  /** The login key it joined with (base64url), which its group leaf must carry. */
  publicKey?: string;
}

interface RoomState extends HeldLog {
  /** Fixed when the state is created: a room forgotten and used again starts over. */
  readonly incarnation: string;
  /** Fixed when the state is created, as the incarnation. */
  readonly mode: RoomMode;
  /** An encrypted room's MLS group, once its first member created it. */
  group?: GroupRecord;
  lastSeq: number;
  /** nameKey → member (keyed identities). */
  members: Map<string, MemberRecord>;
  /** Display name → connections present in the room. */
  presence: Map<string, ConnectionIds>;
}

/**
 * The share of `maxHeldBytes` that client-key records may take when `maxSentRecords` is unset:
 * held entries keep at least the rest.
 */
export const SENT_RECORDS_SHARE = 0.25;

/**
 * The embedded default store: plain maps in this process. Needs nothing installed; loses
 * everything on restart, which `hello` tells clients. A room's state goes once it has no
 * members, nobody present and nothing held, so memory follows what is in use.
 *
 * @example
 * const relay = await createRelay(httpServer, config, { store: new MemoryStore(limits) });
 */
export class MemoryStore implements RelayStore {
  readonly kind = "memory";
  readonly #names = new Map<string, NameRecord>();
  readonly #rooms = new Map<string, RoomState>();
  /** nameKey → rooms the keyed identity is a member of. */
  readonly #memberOf = new Map<string, Set<string>>();
  readonly #held: HeldTotals = { entries: 0, bytes: 0 };
  /**
   * What each client key's append got, for retries (see `append`), keyed by the room's
   * incarnation and the client key: a room dropped and used again has a new incarnation, so
   * its old records answer nothing and leave by age or budget.
   */
  readonly #sent: SentRecords;

  constructor(readonly limits: RetentionLimits) {
    this.#sent = new SentRecords(maxSentRecords(limits), this.#held);
  }

  claimName(name: string, claim: NameClaim, connectionId: string, now: number): Promise<true | NameTaken> {
    const key = nameKey(name);
    let record = this.#names.get(key);
    if (record && this.#lapsed(key, record, now)) {
      this.#names.delete(key);
      record = undefined;
    }
    if (record && !sameHolder(record, claim, connectionId)) {
      return Promise.resolve({ holder: record.claim.kind === "keyed" ? "key" : "guest", heldAs: record.name });
    }
    const held = record ?? { name, claim, connections: undefined, awaySince: 0 };
    held.connections = withId(held.connections, connectionId);
    this.#names.set(key, held);
    return Promise.resolve(true);
  }

  releaseName(name: string, connectionId: string, now: number): Promise<void> {
    const key = nameKey(name);
    const record = this.#names.get(key);
    if (!record || !hasId(record.connections, connectionId)) return Promise.resolve();
    record.connections = withoutId(record.connections, connectionId);
    if (record.connections !== undefined) return Promise.resolve();
    record.awaySince = now;
    // A keyed name stays held for the member TTL (`#lapsed`), rooms or not.
    if (record.claim.kind === "guest") this.#names.delete(key);
    return Promise.resolve();
  }

  addMember(room: string, name: string, _now: number, options: MemberOptions = {}): Promise<MemberPlace> {
    const key = nameKey(name);
    const max = this.limits.maxRoomsPerIdentity;
    const listed = this.#memberOf.get(key);
    if (max !== undefined && !listed?.has(room) && (listed?.size ?? 0) >= max) {
      return Promise.reject(new QuotaExceededError(quotaMessage("rooms", max)));
    }
    const state = this.#room(room, options.mode);
    const member = state.members.get(key) ?? { name, acked: state.lastSeq };
    if (options.publicKey !== undefined) member.publicKey = options.publicKey;
    state.members.set(key, member);
    const rooms = this.#memberOf.get(key) ?? new Set<string>();
    rooms.add(room);
    this.#memberOf.set(key, rooms);
    const place = { acked: member.acked, incarnation: state.incarnation, mode: state.mode };
    if (state.mode === "plain") return Promise.resolve(place);
    const groupChanged = this.#refresh(state, key);
    return Promise.resolve({ ...place, group: changeOf(state), groupChanged });
  }

  removeMember(room: string, name: string): Promise<Removed> {
    const key = nameKey(name);
    const state = this.#rooms.get(room);
    const deleted = state?.members.delete(key) ? refs(this.#collect(state)) : [];
    // Every connection of the identity leaves with it.
    for (const present of state?.presence.keys() ?? []) if (nameKey(present) === key) state?.presence.delete(present);
    this.#forgetMembership(key, room);
    if (!state) return Promise.resolve({ deleted });
    const group = this.#refresh(state, key) ? changeOf(state) : undefined;
    this.#dropIfUnused(room, state);
    return Promise.resolve(group ? { deleted, group } : { deleted });
  }

  memberships(name: string): Promise<RoomCursor[]> {
    const key = nameKey(name);
    const rooms = [...(this.#memberOf.get(key) ?? [])];
    const cursors = rooms.flatMap((room) => {
      const state = this.#rooms.get(room);
      const member = state?.members.get(key);
      return state && member ? [{ room, acked: member.acked, incarnation: state.incarnation, mode: state.mode }] : [];
    });
    return Promise.resolve(cursors);
  }

  addPresence(room: string, name: string, connectionId: string, mode?: RoomMode, only?: RoomMode): Promise<RoomMode> {
    const existing = this.#rooms.get(room);
    if (existing && only !== undefined && existing.mode !== only) return Promise.resolve(existing.mode);
    const state = existing ?? this.#room(room, only ?? mode);
    state.presence.set(name, withId(state.presence.get(name), connectionId));
    return Promise.resolve(state.mode);
  }

  roomMode(room: string): Promise<RoomMode | undefined> {
    return Promise.resolve(this.#rooms.get(room)?.mode);
  }

  removePresence(room: string, name: string, connectionId: string): Promise<void> {
    const state = this.#rooms.get(room);
    const present = state?.presence.get(name);
    if (!state || present === undefined) return Promise.resolve();
    const left = withoutId(present, connectionId);
    if (left === undefined) state.presence.delete(name);
    else state.presence.set(name, left);
    this.#dropIfUnused(room, state);
    return Promise.resolve();
  }

  members(room: string): Promise<Member[]> {
    const state = this.#rooms.get(room);
    if (!state) return Promise.resolve([]);
    const online = new Set([...state.presence.keys()].map(nameKey));
    const list = new Map<string, Member>();
    for (const [key, member] of state.members) list.set(key, { name: member.name, online: online.has(key) });
    for (const name of state.presence.keys()) if (!list.has(nameKey(name))) list.set(nameKey(name), { name, online: true });
    return Promise.resolve([...list.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  }

  append(room: string, entry: Omit<StoredEntry, "seq">, clientKey?: string): Promise<Appended> {
    const state = this.#room(room);
    if (state.mode === "encrypted") return Promise.resolve(ENCRYPTED);
    const key = recordKey(state, clientKey);
    const original = this.#original(state, key);
    if (original) return Promise.resolve(original);
    const evict = this.#admit(state, entry);
    if (evict instanceof QuotaExceededError) return Promise.reject(evict);
    return Promise.resolve(this.#append(state, entry, key, evict));
  }

  appendMls(room: string, entry: Omit<StoredEntry, "seq">, submission: MlsSubmission, clientKey?: string): Promise<MlsAppended> {
    const state = this.#rooms.get(room);
    if (!state) return Promise.resolve(refused("plain", undefined, ""));
    const key = recordKey(state, clientKey);
    const original = this.#original(state, key);
    if (original) return Promise.resolve({ ...original, group: changeOf(state), changed: false });
    const refusal = mlsRefusal(state, entry, submission);
    if (refusal) return Promise.resolve(refused(refusal, state.group, state.incarnation));
    const evict = this.#admit(state, entry);
    if (evict instanceof QuotaExceededError) return Promise.reject(evict);
    const before = state.group;
    if (submission.kind === "commit") state.group = groupRecord(submission.next, (key) => state.members.get(key)?.publicKey);
    const changed = state.group !== undefined && !samePending(before, state.group);
    // Field by field, like every object on this path: see `withSeq`.
    const { seq, incarnation, expired } = this.#append(state, entry, key, evict);
    const group = changeOf(state);
    return Promise.resolve(expired ? { seq, incarnation, expired, group, changed } : { seq, incarnation, group, changed });
  }

  createGroup(room: string, group: GroupRecordInput): Promise<GroupChange | GroupRefused> {
    const state = this.#rooms.get(room);
    if (state?.mode !== "encrypted") return Promise.resolve(refused("plain", undefined, state?.incarnation ?? ""));
    if (state.group) return Promise.resolve(refused("stale", state.group, state.incarnation));
    if (group.groupId !== groupIdOf(room, state.incarnation)) return Promise.resolve(refused("group-id", undefined, state.incarnation));
    state.group = groupRecord(group, (key) => state.members.get(key)?.publicKey);
    return Promise.resolve(changeOf(state));
  }

  groupView(room: string): Promise<GroupView | undefined> {
    const state = this.#rooms.get(room);
    if (!state) return Promise.resolve(undefined);
    const { mode, lastSeq: seq, group } = state;
    return Promise.resolve({ ...changeOf(state), mode, seq, groupInfo: group?.groupInfo ?? null });
  }

  ack(room: string, name: string, seq: number, _now: number) {
    const member = this.#rooms.get(room)?.members.get(nameKey(name));
    const state = this.#rooms.get(room);
    if (!state || !member) return Promise.resolve(undefined);
    const before = member.acked;
    member.acked = Math.max(before, Math.min(seq, state.lastSeq));
    // Only a member that lacked the oldest held entry can be what kept it: anyone else's ack
    // deletes nothing, so most acks skip the walk over every member's cursor.
    const oldest = state.log[0]?.seq;
    if (oldest === undefined || before >= oldest) return Promise.resolve({ acked: member.acked, from: before, deleted: [] });
    return Promise.resolve({ acked: member.acked, from: before, deleted: refs(this.#collect(state)) });
  }

  entriesAfter(room: string, after: number): Promise<HeldAfter> {
    const state = this.#rooms.get(room);
    // A room with no state has no seqs yet: whichever incarnation it gets, none is lost.
    if (!state) return Promise.resolve({ entries: [], lastSeq: 0, incarnation: newIncarnation() });
    const entries = state.log.filter((entry) => entry.seq > after);
    return Promise.resolve({ entries, lastSeq: state.lastSeq, incarnation: state.incarnation });
  }

  deliveryState(room: string, limit: number, range?: SeqRange): Promise<DeliveryState> {
    const state = this.#rooms.get(room);
    if (!state) return Promise.resolve({ cursors: [], entries: [] });
    // The log's seqs increase: the range is one slice of it.
    const { log } = state;
    const end = range === undefined ? log.length : firstAbove(log, range.through);
    const start = Math.max(range === undefined ? 0 : firstAbove(log, range.after), end - Math.max(0, limit));
    return Promise.resolve({
      cursors: [...state.members.values()].map(({ name, acked }) => ({ name, acked })),
      entries: log.slice(start, end).map(ref),
    });
  }

  sweep(now: number): Promise<SweepReport[]> {
    const reports: SweepReport[] = [];
    for (const [room, state] of this.#rooms) {
      const droppedMembers = this.#dropAwayMembers(room, state, now);
      const expired = this.#dropOld(state, now - this.limits.messageTtlMs);
      const deleted = droppedMembers.length > 0 ? refs(this.#collect(state)) : [];
      const regrouped = droppedMembers.map((name) => this.#refresh(state, nameKey(name))).includes(true);
      if (expired || droppedMembers.length > 0) {
        reports.push({
          room,
          droppedMembers,
          deleted,
          ...(expired ? { expired, incarnation: state.incarnation } : {}),
          ...(regrouped ? { group: changeOf(state) } : {}),
        });
      }
      this.#dropIfUnused(room, state);
    }
    this.#sent.forgetBefore(now - this.limits.messageTtlMs);
    for (const [key, record] of this.#names) if (this.#lapsed(key, record, now)) this.#names.delete(key);
    return Promise.resolve(reports);
  }

  healthy(): boolean {
    return true;
  }

  isUnavailableError(_error: unknown): boolean {
    return false;
  }

  // One process holds the whole memory store: when its node dies, so does the store.
  heartbeat(_now: number): Promise<boolean> {
    return Promise.resolve(false);
  }

  reapDeadNodes(_now: number, _deadAfterMs: number): Promise<string[]> {
    return Promise.resolve([]);
  }

  heldEntries(): Promise<number> {
    return Promise.resolve(this.#held.entries);
  }

  usage(): Promise<StoreUsage> {
    return Promise.resolve({ ...this.#held });
  }

  // The heap is not a store that fills up: the budget refuses before it could.
  whyFull(): undefined {
    return undefined;
  }

  isFullError(_error: unknown): boolean {
    return false;
  }

  close(): Promise<void> {
    this.#names.clear();
    this.#rooms.clear();
    this.#memberOf.clear();
    this.#sent.clear();
    this.#held.entries = 0;
    this.#held.bytes = 0;
    return Promise.resolve();
  }

  #room(room: string, mode: RoomMode = "plain"): RoomState {
    let state = this.#rooms.get(room);
    if (!state) {
      const incarnation = newIncarnation();
      state = { incarnation, mode, lastSeq: 0, members: new Map(), presence: new Map(), log: [], bytes: 0, senders: new Map() };
      this.#rooms.set(room, state);
    }
    return state;
  }

  /** The original's place when the record key's client key was seen in the room. */
  #original(state: RoomState, key: string | undefined): Appended | undefined {
    const original = key === undefined ? undefined : this.#sent.get(key);
    if (!original) return undefined;
    return { seq: original.seq, incarnation: state.incarnation, original: { id: original.id, sentAt: original.sentAt } };
  }

  /** What `admit` says of an append to this room (nothing is held in a room without members). */
  #admit(state: RoomState, entry: Omit<StoredEntry, "seq">): number | QuotaExceededError {
    return state.members.size === 0 ? 0 : admit(state, entry, this.limits, this.#held);
  }

  /** Appends what `#admit` let in, pushing out the sender's `evict` oldest entries; records its client key's `recordKey`. */
  #append(state: RoomState, entry: Omit<StoredEntry, "seq">, key: string | undefined, evict: number): Appended {
    const { incarnation } = state;
    state.lastSeq += 1;
    const seq = state.lastSeq;
    const expired = state.members.size === 0 ? undefined : this.#hold(state, withSeq(entry, seq), evict);
    // After the entry is counted, so that the record fits in what the entry left of the budget.
    if (key !== undefined) this.#sent.add(key, { seq, id: entry.id, sentAt: entry.sentAt }, this.limits.maxHeldBytes ?? Infinity);
    return expired ? { seq, incarnation, expired } : { seq, incarnation };
  }

  /** Holds the entry, pushing out the sender's `evict` oldest; returns what was pushed out. */
  #hold(state: RoomState, entry: StoredEntry, evict: number): ExpiredRange | undefined {
    hold(state, entry, this.#held);
    return range(pushOut(state, entry.user, evict, this.#held));
  }

  /** Decides again whether a name's leaves are pending removals; returns whether that changed. */
  #refresh(state: RoomState, key: string): boolean {
    return refreshName(state.group, key, (member) => state.members.get(member)?.publicKey);
  }

  /** Deletes, oldest first, the entries every member has; returns them. */
  #collect(state: RoomState): StoredEntry[] {
    let floor = state.lastSeq;
    for (const member of state.members.values()) floor = Math.min(floor, member.acked);
    let count = 0;
    while (count < state.log.length && (state.log[count]?.seq ?? Infinity) <= floor) count += 1;
    return this.#shift(state, count);
  }

  #dropOld(state: RoomState, cutoff: number): ExpiredRange | undefined {
    let count = 0;
    while (count < state.log.length && (state.log[count]?.sentAt ?? Infinity) < cutoff) count += 1;
    return range(this.#shift(state, count));
  }

  #shift(state: RoomState, count: number): StoredEntry[] {
    return shift(state, count, this.#held);
  }

  #dropAwayMembers(room: string, state: RoomState, now: number): string[] {
    const dropped: string[] = [];
    for (const [key, member] of state.members) {
      const record = this.#names.get(key);
      const away = !record || (record.connections === undefined && now - record.awaySince > this.limits.memberTtlMs);
      if (!away) continue;
      state.members.delete(key);
      this.#forgetMembership(key, room);
      dropped.push(member.name);
    }
    return dropped;
  }

  /** Whether a keyed name's hold is over: no connections, no rooms, away longer than the member TTL. */
  #lapsed(key: string, record: NameRecord, now: number): boolean {
    if (record.connections !== undefined || this.#memberOf.has(key)) return false;
    return now - record.awaySince > this.limits.memberTtlMs;
  }

  #forgetMembership(key: string, room: string): void {
    const rooms = this.#memberOf.get(key);
    rooms?.delete(room);
    if (rooms?.size === 0) this.#memberOf.delete(key);
  }

  #dropIfUnused(room: string, state: RoomState): void {
    if (state.members.size === 0 && state.presence.size === 0 && state.log.length === 0) this.#rooms.delete(room);
  }
}

/** How many client-key records the store keeps: as set, or as many as their share of the budget pays for. */
function maxSentRecords(limits: RetentionLimits): number {
  if (limits.maxSentRecords !== undefined) return limits.maxSentRecords;
  if (limits.maxHeldBytes === undefined) return Infinity;
  return Math.floor((limits.maxHeldBytes * SENT_RECORDS_SHARE) / MEMORY_SENT_RECORD_BYTES);
}

/**
 * A client key's record key (none without a client key): the room's incarnation (8 characters)
 * and the key, joined into one flat string, so that a record keeps one heap object for its key
 * where a concatenation would keep its parts. Made once per append: the join is about 1.4 µs.
 */
function recordKey(state: RoomState, clientKey: string | undefined): string | undefined {
  return clientKey === undefined ? undefined : [state.incarnation, clientKey].join("");
}

/** Why an MLS message cannot go in the room's log now, if it cannot. */
function mlsRefusal(state: RoomState, entry: Omit<StoredEntry, "seq">, submission: MlsSubmission): GroupRefusal | undefined {
  const { group } = state;
  if (state.mode !== "encrypted") return "plain";
  if (group === undefined || group.epoch !== entry.epoch) return "stale";
  if (submission.kind !== "commit") return group.pending.size > 0 ? "pending" : undefined;
  if (submission.groupId !== group.groupId) return "group-id";
  const { committer } = submission;
  if (committer === "external") return undefined;
  const leaf = group.leaves.get(committer.leaf);
  return leaf?.nameKey === committer.nameKey && leaf.publicKey === committer.publicKey ? undefined : "sender";
}

function changeOf(state: RoomState): GroupChange {
  const { epoch, pending } = statusOf(state.group);
  return { epoch, pending, incarnation: state.incarnation };
}

function refused(reason: GroupRefusal, group: GroupRecord | undefined, incarnation: string): GroupRefused {
  return { refused: reason, group: { ...statusOf(group), incarnation } };
}

function sameHolder(record: NameRecord, claim: NameClaim, connectionId: string): boolean {
  if (record.claim.kind === "keyed") return claim.kind === "keyed" && claim.publicKey === record.claim.publicKey;
  return claim.kind === "guest" && hasId(record.connections, connectionId);
}

function range(entries: readonly StoredEntry[]): ExpiredRange | undefined {
  const first = entries[0];
  const last = entries.at(-1);
  return first && last ? { from: first.seq, to: last.seq } : undefined;
}

/** What receipts need of deleted entries. */
function refs(entries: readonly StoredEntry[]): DeletedEntry[] {
  return entries.map(ref);
}

function ref({ seq, id, user, mls }: StoredEntry): DeletedEntry {
  return mls === undefined ? { seq, id, user } : { seq, id, user, mls };
}

/** The index of the first entry of `log` (seqs increasing) whose seq is above `seq`. */
function firstAbove(log: readonly StoredEntry[], seq: number): number {
  let [low, high] = [0, log.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((log[middle]?.seq ?? Infinity) <= seq) low = middle + 1;
    else high = middle;
  }
  return low;
}

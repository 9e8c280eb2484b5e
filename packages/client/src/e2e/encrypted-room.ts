import { MlsGroup, type GroupMember, type GroupOptions, type KeptMessage, type StoredGroup } from "@pigeon/crypto";
import type { GroupStatus, MlsAck, PendingRemoval } from "@pigeon/protocol";
import type { DeliveredMessage, DeliveryOutput } from "../delivery.js";
import { PigeonError } from "../errors.js";
import { EntryReader } from "./entry-reader.js";
import { joinGroup, type JoinedGroup } from "./join-group.js";
import type { RoomHost, RoomStart } from "./room-host.js";
import { codeOf, MAX_BATCH, RoomQueue } from "./room-queue.js";
import { RoomSender } from "./room-sender.js";
import { RoomState } from "./room-state.js";
import { Serial } from "./serial.js";
import type { GroupChange, UndecryptableReason } from "./types.js";


/**
 * One encrypted room from this client's side: its MLS group, and the room's log entries taken
 * in strictly in log order (after the Inbox ordered them) by its {@link EntryReader}. Entries
 * and tasks go through one {@link RoomQueue}; each batch is saved to the state store, with the
 * messages it decrypted kept in it, before any of it reaches the app, and acked only after, so
 * a crash never acks what the saved state lacks, nor loses a message whose keys it spent.
 * Sending lives in {@link RoomSender}.
 *
 * @example
 * const room = new EncryptedRoom("team", host);
 * await room.ensure({ incarnation, seq, resumed: false });
 * room.take(output);
 */
export class EncryptedRoom {
  readonly state: RoomState;
  readonly queue: RoomQueue;
  readonly sender: RoomSender;
  readonly #reader: EntryReader;
  #suite: Awaited<ReturnType<RoomHost["suite"]>> | undefined;
  #ready: Promise<void> = Promise.resolve();
  readonly #lock = new Serial();
  readonly #saving = new Serial();
  readonly #epochWaiters = new Set<() => void>();
  readonly #ownTexts = new Map<string, string>();

  constructor(
    readonly room: string,
    readonly host: RoomHost,
  ) {
    this.state = new RoomState(host.maxKept);
    this.#reader = new EntryReader(this);
    // A batch's entries must all be kept when its state is saved: a crash between the save and
    // handing them on would otherwise lose those it pushed out of the kept messages (their keys
    // are spent).
    const maxBatch = Math.min(MAX_BATCH, host.maxKept);
    this.queue = new RoomQueue(room, {
      take: (output) => this.#reader.take(output),
      save: () => this.#saveIfDirty(),
      stopped: () => this.state.stopped || host.link.closed(),
      closed: () => host.link.closed(),
      undecryptable: (notice) => { host.undecryptable(notice); },
      saving: (saved, code) => { host.storage({ room, saved, ...(code === undefined ? {} : { code }) }); },
      logger: host.link.logger,
    }, { maxBatch });
    this.sender = new RoomSender(this, host.link);
  }

  /** The group, once we are in it. */
  get group(): MlsGroup | undefined {
    return this.state.group;
  }

  /** Removals the relay says the next commit must carry. */
  get pending(): readonly PendingRemoval[] {
    return this.state.pending;
  }

  /** The relay's latest known epoch of the group, if it told us. */
  get relayEpoch(): number | undefined {
    return this.state.relayEpoch;
  }

  /** Records the relay's latest word on the group (a `groupStatus` event, an error's `group`). */
  status(status: GroupStatus | undefined): void {
    if (status === undefined) return;
    this.state.pending = status.pending;
    if (status.epoch !== null) this.state.relayEpoch = status.epoch;
  }

  /** Resolves once the room's latest join or restore has settled; rejects if it failed. */
  ready(): Promise<void> {
    return this.#ready;
  }

  /**
   * Makes sure we are in the room's group for `start.incarnation`: keeps the group we have,
   * restores it from the store, or joins (creates) it. Queued behind earlier entries.
   */
  ensure(start: RoomStart): Promise<void> {
    this.#ready = this.queue.task(() => this.#ensure(start));
    return this.#ready;
  }

  /** Takes an ordered delivery output of this room (entries, expiries, catch-ups, restarts). */
  take(output: DeliveryOutput): void {
    this.queue.output(output);
  }

  /** We left the room: stop, and forget the group here and in the store. */
  async leave(): Promise<void> {
    this.state.stopped = true;
    this.state.group = undefined;
    this.release();
    await this.#deleteStored();
  }

  /**
   * Resolves once nothing of this room is under way: the item the queue runs, and every save
   * and delete of its state started so far. A process may exit then without cutting a write.
   */
  async settled(): Promise<void> {
    await this.queue.idle();
    await this.#saving.run(() => undefined);
  }

  /** Our own message's text, kept until its entry comes back, so we can show our own echo. */
  rememberOwn(clientId: string, text: string): void {
    this.#ownTexts.set(clientId, text);
  }

  /** The text of our own message sent under `clientId` in this session, once. */
  ownText(clientId: string | undefined): string | undefined {
    if (clientId === undefined) return undefined;
    const text = this.#ownTexts.get(clientId);
    this.#ownTexts.delete(clientId);
    return text;
  }

  /**
   * Our message was accepted at `ack.seq`: its text is kept (and saved) under that seq, so that
   * the identity's next session can show it even if this one never sees its entry come back.
   */
  async sent(ack: MlsAck, clientId: string, text: string): Promise<void> {
    const { state } = this;
    if (ack.incarnation !== state.incarnation || ack.seq <= state.handedUpTo) return;
    if (state.kept.get(ack.seq) === undefined) {
      // Taken in already and not kept: this session handed it (or reported it) itself.
      if (ack.seq <= state.seq && this.host.receiving) return;
      const own: KeptMessage = { seq: ack.seq, id: ack.id, user: this.host.identity.name, sentAt: ack.sentAt, clientId, text };
      state.kept.add(own);
    }
    // Saved before `send` resolves, also when the echo came back first and the reader kept it:
    // its batch may not be saved yet, and a client closed right after sending would lose it.
    await this.persist();
  }

  /** Runs a group operation with nothing else touching the group or the processed seq. */
  exclusive<T>(operation: () => Promise<T>): Promise<T> {
    return this.#lock.run(operation);
  }

  /**
   * Saves the group with the seq it has taken in and the messages kept, after every earlier
   * save or delete. A snapshot is taken under the lock, so the state and the seq always belong together.
   */
  persist(): Promise<void> {
    return this.#saving.run(async () => {
      const snapshot = await this.exclusive(() => Promise.resolve(this.#snapshot()));
      if (snapshot !== undefined) await this.host.store.save(snapshot);
    });
  }

  /**
   * Resolves once the group has reached `epoch` by taking in the log; if the log does not bring
   * it there within the timeout (entries expired), rejoins the group instead.
   */
  async reach(epoch: number | null | undefined): Promise<void> {
    if (epoch === null || epoch === undefined || this.#reached(epoch)) return;
    const reached = new Promise<boolean>((resolve) => {
      const check = () => {
        if (!this.#reached(epoch) && !this.state.stopped) return;
        this.#epochWaiters.delete(check);
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#epochWaiters.delete(check);
        resolve(false);
      }, this.host.link.timeoutMs);
      this.#epochWaiters.add(check);
    });
    if (!(await reached)) await this.queue.task(() => this.rejoin("lost-state"));
  }

  /** A commit of ours was accepted: tell the app whom it removed. */
  committed(before: readonly GroupMember[]): void {
    const group = this.state.group;
    if (group === undefined) return;
    this.changed("commit", before, group.members, this.host.identity.name);
    this.state.pending = [];
    this.release();
  }

  /**
   * Joins by external commit (or creates the group); what the log held before our commit is
   * not for us: its messages are reported with `reason`. Runs inside the queue.
   */
  async rejoin(reason: UndecryptableReason): Promise<void> {
    const { state } = this;
    await this.queue.flush();
    this.#suite ??= await this.host.suite();
    state.joining = true;
    let joined: JoinedGroup;
    try {
      joined = await joinGroup(this.host.link, this.room, () => this.#options());
    } finally {
      state.joining = false;
    }
    await this.exclusive(() => {
      state.group = joined.group;
      state.incarnation = joined.incarnation;
      state.seq = Math.max(state.seq, joined.seq);
      state.skip = { upTo: joined.seq, reason };
      state.suspect = false;
      this.status(joined.status);
      return Promise.resolve();
    });
    await this.host.pins.check(this.room, joined.group.members);
    this.#arrived(joined.cause, joined.group.members);
    state.dirty = true;
    await this.queue.flush();
    this.release();
  }

  /** The room started over (or our group is unusable): forget the group, here and in the store. */
  async forget(): Promise<void> {
    const { state } = this;
    await this.exclusive(() => {
      state.group = undefined;
      state.incarnation = undefined;
      state.skip = undefined;
      state.relayEpoch = undefined;
      state.handedUpTo = 0;
      state.kept.clear();
      return Promise.resolve();
    });
    await this.#deleteStored();
  }

  /** Tells the app how a commit changed the group's members. */
  changed(cause: GroupChange["cause"], before: readonly GroupMember[], after: readonly GroupMember[], by?: string): void {
    const key = (member: GroupMember) => `${member.leaf}:${member.name}`;
    const had = new Set(before.map(key));
    const has = new Set(after.map(key));
    const change: GroupChange = {
      room: this.room,
      epoch: Number(this.state.group?.epoch ?? 0n),
      members: after.map((member) => member.name),
      joined: after.filter((member) => !had.has(key(member))).map((member) => member.name),
      removed: before.filter((member) => !has.has(key(member))).map((member) => member.name),
      cause,
      ...(by === undefined ? {} : { by }),
    };
    this.queue.effect(() => { this.host.group(change); });
  }

  /** Wakes senders waiting for an epoch. */
  release(): void {
    for (const check of [...this.#epochWaiters]) check();
  }

  // --- joining ---------------------------------------------------------------------------

  async #ensure(start: RoomStart): Promise<void> {
    const { state } = this;
    this.status(start.status);
    this.#suite ??= await this.host.suite();
    if (state.group !== undefined && state.incarnation === start.incarnation) return;
    if (state.group !== undefined) await this.forget();
    const stored = await this.host.store.load(this.room).catch((error: unknown) => {
      this.host.link.logger.warn(`pigeon: could not load the group state of ${this.room}`, codeOf(error));
      return undefined;
    });
    if (stored !== undefined && stored.incarnation === start.incarnation) {
      state.kept.restore(stored.kept ?? [], start.seq);
      this.#showKept(stored);
      if (await this.#restore(stored)) {
        if (start.seq > stored.seq) await this.rejoin("lost-state");
        return;
      }
    }
    if (stored !== undefined) await this.#deleteStored();
    state.seq = start.seq;
    await this.rejoin(start.resumed ? "lost-state" : "before-join");
  }

  // What an earlier session took in and did not hand on comes first, as held messages do. Our
  // own messages past the stored seq wait for their entries, to stay in log order.
  #showKept(stored: StoredGroup): void {
    if (!this.host.receiving) return;
    const { state } = this;
    for (const { text, ...kept } of state.kept.upTo(stored.seq)) {
      const message: DeliveredMessage = { ...kept, room: this.room, incarnation: stored.incarnation, message: text, mls: "application", replayed: true, encrypted: true };
      this.queue.effect(() => {
        this.host.deliver({ kind: "message", message });
        state.handedUpTo = Math.max(state.handedUpTo, kept.seq);
      });
    }
  }

  async #restore(stored: StoredGroup): Promise<boolean> {
    const { state } = this;
    try {
      const group = await MlsGroup.restore(stored.state, this.#options());
      await this.exclusive(() => {
        state.group = group;
        state.incarnation = stored.incarnation;
        state.seq = stored.seq;
        state.skip = undefined;
        return Promise.resolve();
      });
      return group.active;
    } catch (error) {
      this.host.link.logger.warn(`pigeon: the stored group state of ${this.room} cannot be used`, codeOf(error));
      return false;
    }
  }

  #options(): GroupOptions {
    const suite = this.#suite;
    if (suite === undefined) throw new PigeonError("INTERNAL", "the cipher suite is not loaded yet");
    return { suite, identity: this.host.identity, checkCredential: (member) => this.#allowed(member) };
  }

  // Pigeon groups grow only by external commits, whose new leaf the relay has checked against
  // the sender's login key: a leaf that appears in an entry must carry its sender's name. Our
  // own name only ever with our own key; any name while we read a whole tree to join it (pins
  // check those).
  #allowed({ name, signatureKey }: Pick<GroupMember, "name" | "signatureKey">): boolean {
    const own = this.host.identity;
    const { joining, sender } = this.state;
    if (name === own.name && !joining) return sameBytes(signatureKey, own.key.publicKey);
    return joining || name === sender;
  }

  // Our own arrival: the app learns who is in the group we are now in.
  #arrived(cause: GroupChange["cause"], members: readonly GroupMember[]): void {
    const change: GroupChange = {
      room: this.room,
      epoch: Number(this.state.group?.epoch ?? 0n),
      members: members.map((member) => member.name),
      joined: [this.host.identity.name],
      removed: [],
      cause,
    };
    this.queue.effect(() => { this.host.group(change); });
  }

  #reached(epoch: number): boolean {
    const group = this.state.group;
    return group !== undefined && group.epoch >= BigInt(epoch);
  }

  // After every save under way: one that finished later would bring the deleted group back.
  #deleteStored(): Promise<void> {
    return this.#saving.run(() => this.host.store.delete(this.room));
  }

  async #saveIfDirty(): Promise<void> {
    if (!this.state.dirty) return;
    this.state.dirty = false;
    try {
      await this.persist();
    } catch (error) {
      // Not saved: the next try must write it (the queue holds the batch's acks until then).
      this.state.dirty = true;
      throw error;
    }
  }

  // Kept messages this session handed on (and acked) are done; the rest are saved with the state.
  #snapshot(): StoredGroup | undefined {
    const { group, incarnation, stopped, kept, handedUpTo, seq } = this.state;
    if (group === undefined || incarnation === undefined || stopped) return undefined;
    const left = kept.dropUpTo(handedUpTo);
    return { room: this.room, incarnation, seq, state: group.encode(), ...(left.length === 0 ? {} : { kept: left }) };
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

/** The ack of an `mls` request, as `send` returns it. */
export type SendAck = MlsAck;

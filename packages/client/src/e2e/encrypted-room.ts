import { GroupError, MlsGroup, type GroupMember, type GroupOptions, type GroupStateStore, type Identity, type MlsCipherSuite, type StoredGroup } from "@pigeon/crypto";
import type { GroupStatus, MlsAck, PendingRemoval } from "@pigeon/protocol";
import type { DeliveredMessage, DeliveryOutput } from "../delivery.js";
import { PigeonError } from "../errors.js";
import { fromBase64 } from "./base64.js";
import { joinGroup, type JoinedGroup } from "./join-group.js";
import { NoticeGatherer } from "./notices.js";
import type { PinKeeper } from "./pins.js";
import type { RelayLink } from "./relay-link.js";
import { RoomSender } from "./room-sender.js";
import { Serial } from "./serial.js";
import type { GroupChange, UndecryptableNotice, UndecryptableReason } from "./types.js";

/** At most this many entries are taken in before the state is saved and they are handed on. */
const MAX_BATCH = 500;

/** What an {@link EncryptedRoom} needs from the client around it. */
export interface RoomHost {
  readonly link: RelayLink;
  readonly store: GroupStateStore;
  readonly pins: PinKeeper;
  readonly identity: Identity;
  /** The cipher suite, loaded once per client. */
  suite(): Promise<MlsCipherSuite>;
  /** Hands an output to the app in order, and acks it (the receiver's job). */
  deliver(output: DeliveryOutput): void;
  /** Acks an entry the app does not see (a commit, a proposal, an unreadable message). */
  ack(room: string, seq: number): void;
  group(change: GroupChange): void;
  undecryptable(notice: UndecryptableNotice): void;
}

/** Where the room's log meets our membership: its incarnation and the seq it starts after. */
export interface RoomStart {
  readonly incarnation: string;
  readonly seq: number;
  /** From a join ack: the relay's view of the group. */
  readonly status?: GroupStatus;
  /** True for a room a login resumed (a missing state is then lost state, not a first join). */
  readonly resumed: boolean;
}

type Item = { kind: "output"; output: DeliveryOutput } | { kind: "task"; run: () => Promise<void>; settle: (error?: unknown) => void };

/**
 * One encrypted room from this client's side: its MLS group, and the room's log entries taken
 * in strictly in log order (after the Inbox ordered them). Entries go through one queue; each
 * batch is saved to the state store before any of it reaches the app, and acked only after, so
 * a crash never acks what the saved state lacks. Sending lives in {@link RoomSender}.
 *
 * @example
 * const room = new EncryptedRoom("team", host);
 * await room.ensure({ incarnation, seq, resumed: false });
 * room.take(output);
 */
export class EncryptedRoom {
  #group: MlsGroup | undefined;
  #suite: MlsCipherSuite | undefined;
  #incarnation: string | undefined;
  // The last seq the group state has taken in (processed, or skipped as not for it).
  #seq = 0;
  // Entries at or before `upTo` were sent before our current group state began.
  #skip: { upTo: number; reason: UndecryptableReason } | undefined;
  #pending: readonly PendingRemoval[] = [];
  #suspect = false;
  #sender: string | undefined;
  #joining = false;
  #stopped = false;
  #pumping = false;
  #dirty = false;
  // Seqs of the messages decrypted since the last save, saved with the state they are shown after.
  #handing: number[] = [];
  #saveHanding: readonly number[] = [];
  #ready: Promise<void> = Promise.resolve();
  readonly #queue: Item[] = [];
  readonly #effects: (() => void)[] = [];
  readonly #lock = new Serial();
  readonly #saving = new Serial();
  readonly #notices: NoticeGatherer;
  readonly #epochWaiters = new Set<() => void>();
  readonly #ownTexts = new Map<string, string>();
  readonly sender: RoomSender;

  constructor(
    readonly room: string,
    readonly host: RoomHost,
  ) {
    this.#notices = new NoticeGatherer(room);
    this.sender = new RoomSender(this, host.link);
  }

  /** The group, once we are in it. */
  get group(): MlsGroup | undefined {
    return this.#group;
  }

  /** Removals the relay says the next commit must carry. */
  get pending(): readonly PendingRemoval[] {
    return this.#pending;
  }

  /** Records the relay's latest word on the group (a `groupStatus` event, an error's `group`). */
  status(status: GroupStatus | undefined): void {
    if (status !== undefined) this.#pending = status.pending;
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
    this.#ready = this.#task(() => this.#ensure(start));
    return this.#ready;
  }

  /** Takes an ordered delivery output of this room (entries, expiries, catch-ups, restarts). */
  take(output: DeliveryOutput): void {
    this.#enqueue({ kind: "output", output });
  }

  /** We left the room: stop, and forget the group here and in the store. */
  async leave(): Promise<void> {
    this.#stopped = true;
    this.#group = undefined;
    this.#release();
    await this.host.store.delete(this.room);
  }

  /** Our own message's text, kept until its entry comes back, so we can show our own echo. */
  rememberOwn(clientId: string, text: string): void {
    this.#ownTexts.set(clientId, text);
  }

  /** Runs a group operation with nothing else touching the group or the processed seq. */
  exclusive<T>(operation: () => Promise<T>): Promise<T> {
    return this.#lock.run(operation);
  }

  /**
   * Saves the group with the seq it has taken in, after every earlier save. A snapshot is taken
   * under the lock, so the state and the seq always belong together.
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
        if (!this.#reached(epoch) && !this.#stopped) return;
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
    if (!(await reached)) await this.#task(() => this.#rejoin("lost-state"));
  }

  /** A commit of ours was accepted: tell the app whom it removed. */
  committed(before: readonly GroupMember[]): void {
    const group = this.#group;
    if (group === undefined) return;
    this.#changed("commit", before, group.members, this.host.identity.name);
    this.#pending = [];
    this.#release();
  }

  // --- the queue -------------------------------------------------------------------------

  #task(run: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown) => {
        if (error === undefined) resolve();
        else reject(PigeonError.fromUnknown(error));
      };
      this.#enqueue({ kind: "task", run, settle });
    });
  }

  #enqueue(item: Item): void {
    this.#queue.push(item);
    if (!this.#pumping) void this.#pump();
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      for (let item = this.#queue.shift(); item !== undefined; item = this.#queue.shift()) {
        if (this.#stopped || this.host.link.closed()) {
          if (item.kind === "task") item.settle(new PigeonError("DISCONNECTED", `${this.room}: the room was left or the client closed`));
          continue;
        }
        await this.#run(item);
        if (this.#queue.length === 0 || this.#effects.length >= MAX_BATCH) await this.#flush();
      }
    } finally {
      this.#pumping = false;
    }
  }

  async #run(item: Item): Promise<void> {
    if (item.kind === "task") {
      try {
        await this.#flush();
        await item.run();
        item.settle();
      } catch (error) {
        item.settle(error);
      }
      return;
    }
    try {
      await this.#takeOutput(item.output);
    } catch (error) {
      // Never stall the room on one entry: it is reported, and acked so that it is not replayed forever.
      this.host.link.logger.warn(`pigeon: an entry of ${this.room} could not be taken in`, codeOf(error));
    }
  }

  // Saves what the batch changed, then hands the batch on: a crash before the save leaves the
  // entries unacked (the relay replays them to the old state), after it leaves them taken in.
  async #flush(): Promise<void> {
    const notice = this.#notices.close();
    if (notice !== undefined) this.#effects.push(() => { this.host.undecryptable(notice); });
    if (this.#dirty) {
      this.#dirty = false;
      this.#saveHanding = this.#handing;
      this.#handing = [];
      try {
        await this.persist();
      } catch (error) {
        this.host.link.logger.warn(`pigeon: could not save the group state of ${this.room}`, codeOf(error));
      }
    }
    for (const effect of this.#effects.splice(0)) {
      if (this.host.link.closed()) return;
      effect();
    }
  }

  #effect(effect: () => void): void {
    const notice = this.#notices.close();
    if (notice !== undefined) this.#effects.push(() => { this.host.undecryptable(notice); });
    this.#effects.push(effect);
  }

  // --- joining ---------------------------------------------------------------------------

  async #ensure(start: RoomStart): Promise<void> {
    this.status(start.status);
    this.#suite ??= await this.host.suite();
    if (this.#group !== undefined && this.#incarnation === start.incarnation) return;
    if (this.#group !== undefined) await this.#forget();
    const stored = await this.host.store.load(this.room).catch((error: unknown) => {
      this.host.link.logger.warn(`pigeon: could not load the group state of ${this.room}`, codeOf(error));
      return undefined;
    });
    if (stored !== undefined && stored.incarnation === start.incarnation && (await this.#restore(stored))) {
      if (start.seq > stored.seq) await this.#rejoin("lost-state");
      // Decrypted before the client stopped, and maybe never shown: their keys are spent.
      else for (const seq of stored.handing ?? []) if (seq > start.seq) this.#report(seq, "interrupted");
      return;
    }
    if (stored !== undefined) await this.host.store.delete(this.room);
    this.#seq = start.seq;
    await this.#rejoin(start.resumed ? "lost-state" : "before-join");
  }

  async #restore(stored: StoredGroup): Promise<boolean> {
    try {
      const group = await MlsGroup.restore(stored.state, this.#options());
      await this.exclusive(() => {
        this.#group = group;
        this.#incarnation = stored.incarnation;
        this.#seq = stored.seq;
        this.#skip = undefined;
        return Promise.resolve();
      });
      return group.active;
    } catch (error) {
      this.host.link.logger.warn(`pigeon: the stored group state of ${this.room} cannot be used`, codeOf(error));
      return false;
    }
  }

  async #forget(): Promise<void> {
    await this.exclusive(() => {
      this.#group = undefined;
      this.#incarnation = undefined;
      this.#skip = undefined;
      return Promise.resolve();
    });
    await this.host.store.delete(this.room);
  }

  // Joins by external commit (or creates the group); what the log held before our commit is
  // not for us: its messages are reported with `reason`.
  async #rejoin(reason: UndecryptableReason): Promise<void> {
    await this.#flush();
    this.#suite ??= await this.host.suite();
    this.#joining = true;
    let joined: JoinedGroup;
    try {
      joined = await joinGroup(this.host.link, this.room, () => this.#options());
    } finally {
      this.#joining = false;
    }
    await this.exclusive(() => {
      this.#group = joined.group;
      this.#incarnation = joined.incarnation;
      this.#seq = Math.max(this.#seq, joined.seq);
      this.#skip = { upTo: joined.seq, reason };
      this.#pending = joined.status.pending;
      this.#suspect = false;
      return Promise.resolve();
    });
    await this.host.pins.check(this.room, joined.group.members);
    this.#arrived(joined.cause, joined.group.members);
    this.#dirty = true;
    await this.#flush();
    this.#release();
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
    if (name === own.name && !this.#joining) return sameBytes(signatureKey, own.key.publicKey);
    return this.#joining || name === this.#sender;
  }

  // --- taking in entries -----------------------------------------------------------------

  async #takeOutput(output: DeliveryOutput): Promise<void> {
    switch (output.kind) {
      case "message":
        await this.#takeEntry(output.message);
        return;
      case "expired":
        this.#suspect = true;
        this.#advance(output.notice.to);
        this.#effect(() => { this.host.deliver(output); });
        return;
      case "caughtUp":
        this.#effect(() => { this.host.deliver(output); });
        if (this.#suspect) await this.#checkEpoch();
        return;
      case "restarted":
        if (this.#incarnation !== undefined && this.#incarnation !== output.notice.incarnation) await this.#forget();
        this.#effect(() => { this.host.deliver(output); });
        return;
      case "duplicate":
      case "overflow":
        this.#effect(() => { this.host.deliver(output); });
        return;
    }
  }

  // Entries may have expired before we got them: if the relay's group moved past ours, the
  // commits that moved it are gone, and only a rejoin brings us back.
  async #checkEpoch(): Promise<void> {
    this.#suspect = false;
    await this.#flush();
    const info = await this.host.link.request("groupInfo", { room: this.room });
    this.status(info);
    const group = this.#group;
    if (group === undefined || (info.epoch !== null && BigInt(info.epoch) > group.epoch)) await this.#rejoin("lost-state");
  }

  async #takeEntry(message: DeliveredMessage): Promise<void> {
    const { seq } = message;
    if (seq <= this.#seq) {
      const skip = this.#skip;
      if (skip !== undefined && seq <= skip.upTo && message.mls === "application" && message.user !== this.host.identity.name) this.#report(seq, skip.reason);
      this.#effect(() => { this.host.ack(this.room, seq); });
      return;
    }
    const group = this.#group;
    if (group === undefined || !group.active) {
      await this.#rejoin("lost-state");
      return this.#takeEntry(message);
    }
    if (message.mls === undefined) {
      this.#report(seq, "not-encrypted");
      this.#advance(seq);
      return;
    }
    // An entry made in an epoch we never reached: the commits in between are gone.
    if (message.epoch !== undefined && BigInt(message.epoch) > group.epoch && message.user !== this.host.identity.name) {
      await this.#rejoin("lost-state");
      return this.#takeEntry(message);
    }
    await this.#process(group, message);
  }

  async #process(group: MlsGroup, message: DeliveredMessage): Promise<void> {
    const { seq, user } = message;
    const epochBefore = group.epoch;
    const before = group.members;
    let result: Awaited<ReturnType<MlsGroup["process"]>>;
    try {
      result = await this.exclusive(async () => {
        this.#sender = user;
        try {
          return await group.process(fromBase64(message.message));
        } finally {
          this.#sender = undefined;
        }
      });
    } catch (error) {
      this.#advance(seq);
      // Our own entry after a restart: ts-mls cannot read its own messages, and the relay
      // vouches that it is ours. It was shown when it was sent.
      if (user === this.host.identity.name) return;
      if (message.mls === "application") this.#report(seq, "unreadable");
      else if (message.mls === "commit" && BigInt(message.epoch ?? -1) === epochBefore) {
        // A commit the relay took and we cannot: the group moved on without us.
        this.host.link.logger.warn(`pigeon: a commit in ${this.room} was refused`, codeOf(error));
        await this.#rejoin("lost-state");
      }
      return;
    }
    this.#advance(seq);
    switch (result.kind) {
      case "message": {
        // The relay authenticated the sender; a leaf that says otherwise is forged, never shown.
        if (result.sender !== user) {
          this.#report(seq, "forged");
          return;
        }
        this.#handing.push(seq);
        const text = new TextDecoder().decode(result.plaintext);
        this.#effect(() => {
          this.host.deliver({ kind: "message", message: { ...message, message: text, encrypted: true } });
        });
        return;
      }
      case "own": {
        const text = message.clientId === undefined ? undefined : this.#ownTexts.get(message.clientId);
        if (message.clientId !== undefined) this.#ownTexts.delete(message.clientId);
        if (message.mls === "application" && text !== undefined) {
          this.#effect(() => {
            this.host.deliver({ kind: "message", message: { ...message, message: text, encrypted: true } });
          });
        }
        return;
      }
      case "commit": {
        await this.host.pins.check(this.room, result.joined);
        this.#changed("commit", before, group.members, user);
        this.#release();
        if (result.removedMe && !this.#stopped) await this.#rejoin("lost-state");
        return;
      }
      case "proposal":
        return;
    }
  }

  #advance(seq: number): void {
    if (seq > this.#seq) this.#seq = seq;
    this.#dirty = true;
    this.#effect(() => { this.host.ack(this.room, seq); });
  }

  #report(seq: number, reason: UndecryptableReason): void {
    const closed = this.#notices.add(seq, reason);
    if (closed !== undefined) this.#effects.push(() => { this.host.undecryptable(closed); });
  }

  #changed(cause: GroupChange["cause"], before: readonly GroupMember[], after: readonly GroupMember[], by?: string): void {
    const key = (member: GroupMember) => `${member.leaf}:${member.name}`;
    const had = new Set(before.map(key));
    const has = new Set(after.map(key));
    const change: GroupChange = {
      room: this.room,
      epoch: Number(this.#group?.epoch ?? 0n),
      members: after.map((member) => member.name),
      joined: after.filter((member) => !had.has(key(member))).map((member) => member.name),
      removed: before.filter((member) => !has.has(key(member))).map((member) => member.name),
      cause,
      ...(by === undefined ? {} : { by }),
    };
    this.#effect(() => { this.host.group(change); });
  }

  // Our own arrival: the app learns who is in the group we are now in.
  #arrived(cause: GroupChange["cause"], members: readonly GroupMember[]): void {
    const change: GroupChange = {
      room: this.room,
      epoch: Number(this.#group?.epoch ?? 0n),
      members: members.map((member) => member.name),
      joined: [this.host.identity.name],
      removed: [],
      cause,
    };
    this.#effect(() => {
      this.host.group(change);
    });
  }

  // Wakes senders waiting for an epoch.
  #release(): void {
    for (const check of [...this.#epochWaiters]) check();
  }

  #reached(epoch: number): boolean {
    const group = this.#group;
    return group !== undefined && group.epoch >= BigInt(epoch);
  }

  #snapshot(): StoredGroup | undefined {
    const group = this.#group;
    const incarnation = this.#incarnation;
    if (group === undefined || incarnation === undefined || this.#stopped) return undefined;
    return { room: this.room, incarnation, seq: this.#seq, state: group.encode(), handing: this.#saveHanding };
  }
}

/** What went wrong, for the logger: a code, never message text or key material. */
export function codeOf(error: unknown): string {
  if (error instanceof PigeonError || error instanceof GroupError) return error.code;
  return error instanceof Error ? error.name : "unknown";
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

/** The ack of an `mls` request, as `send` returns it. */
export type SendAck = MlsAck;

import {
  decodeBase64Url,
  formatSafetyNumber,
  loadCipherSuite,
  MemoryGroupStateStore,
  MemoryPinStore,
  safetyNumber,
  type GroupStateStore,
  type Identity,
  type IdentityKey,
  type MlsCipherSuite,
  type PinStore,
} from "@pigeon/crypto";
import type { GroupStatusEvent, MlsAck } from "@pigeon/protocol";
import type { DeliveryOutput } from "../delivery.js";
import { PigeonError } from "../errors.js";
import { EncryptedRoom } from "./encrypted-room.js";
import { PinKeeper } from "./pins.js";
import type { RelayLink } from "./relay-link.js";
import type { RoomStart } from "./room-host.js";
import type { GroupChange, KeyChangeNotice, MlsOptions, SafetyNumber, StorageNotice, UndecryptableNotice } from "./types.js";

/** What {@link Encryption} needs from its client. */
export interface EncryptionHost {
  readonly link: RelayLink;
  /** False for a send-only session: its rooms take the log in, and hand on and ack nothing. */
  readonly receiving: boolean;
  /** How many taken-in messages each room keeps at most for the next session. */
  readonly maxKept: number;
  /** Hands an ordered output to the app; it acks nothing (see `ack`). */
  deliver(output: DeliveryOutput): void;
  /** Acks the log up to `seq`, taken in and its group state saved. */
  ack(room: string, seq: number): void;
  group(change: GroupChange): void;
  keyChanged(notice: KeyChangeNotice): void;
  undecryptable(notice: UndecryptableNotice): void;
  storage(notice: StorageNotice): void;
}

/**
 * A client's encrypted rooms: one {@link EncryptedRoom} per room whose mode is `encrypted`,
 * sharing the cipher suite (loaded on first use), the state store and the pins.
 *
 * @example
 * const encryption = new Encryption({ stateStore }, host);
 * encryption.loggedIn("alice", key);
 * await encryption.start("team", { incarnation, seq, resumed: false });
 */
export class Encryption {
  readonly #rooms = new Map<string, EncryptedRoom>();
  // Rooms left whose state is still being deleted: close() waits for them too.
  readonly #leaving = new Set<Promise<void>>();
  readonly #store: GroupStateStore;
  readonly #pinStore: PinStore;
  readonly #options: MlsOptions;
  readonly #host: EncryptionHost;
  #suite: Promise<MlsCipherSuite> | undefined;
  #identity: Identity | undefined;
  #pins: PinKeeper | undefined;

  constructor(options: MlsOptions, host: EncryptionHost) {
    this.#options = options;
    this.#host = host;
    this.#store = options.stateStore ?? new MemoryGroupStateStore();
    this.#pinStore = options.pinStore ?? new MemoryPinStore();
  }

  /** A keyed login as `name`: the identity every group of this client uses. */
  loggedIn(name: string, key: IdentityKey): void {
    if (this.#identity?.name === name && this.#identity.key === key) return;
    this.#identity = { name, key };
    this.#pins = new PinKeeper(this.#pinStore, name, (notice) => { this.#host.keyChanged(notice); });
  }

  /** Whether `room` is one of our encrypted rooms (its outputs go through its group). */
  owns(room: string): boolean {
    return this.#rooms.has(room);
  }

  /**
   * An encrypted room was joined or resumed: makes sure we are in its group (restored from the
   * store, joined or created). Resolves once we are; outputs taken meanwhile wait behind it.
   */
  start(room: string, start: RoomStart): Promise<void> {
    try {
      return this.#room(room).ensure(start);
    } catch (error) {
      return Promise.reject(PigeonError.fromUnknown(error));
    }
  }

  /** Resolves once the room's group is ready (see {@link Encryption.start}). */
  ready(room: string): Promise<void> {
    return this.#rooms.get(room)?.ready() ?? Promise.resolve();
  }

  /** An ordered output of one of our encrypted rooms. */
  take(room: string, output: DeliveryOutput): void {
    this.#room(room).take(output);
  }

  /** Encrypts and sends; see {@link RoomSender.send}. */
  send(room: string, text: string, clientId: string): Promise<MlsAck> {
    const encrypted = this.#rooms.get(room);
    if (encrypted === undefined) throw new PigeonError("NOT_IN_GROUP", `${room} is not an encrypted room of this client`);
    return encrypted.sender.send(text, clientId);
  }

  /** A `groupStatus` event: the removals the next commit must carry. */
  status(event: GroupStatusEvent): void {
    this.#rooms.get(event.room)?.status(event);
  }

  /** The room was left: its group is forgotten, in memory and in the store. */
  async left(room: string): Promise<void> {
    const encrypted = this.#rooms.get(room);
    this.#rooms.delete(room);
    const leaving = encrypted?.leave() ?? this.#store.delete(room);
    this.#leaving.add(leaving);
    try {
      await leaving;
    } finally {
      this.#leaving.delete(leaving);
    }
  }

  /**
   * Resolves once every room's work under way has finished, with its state saved or deleted;
   * for a closed client, whose rooms take nothing new in. Failures were reported already.
   */
  async settled(): Promise<void> {
    await Promise.allSettled([...[...this.#rooms.values()].map((encrypted) => encrypted.settled()), ...this.#leaving]);
  }

  /** Our group of `room`: its epoch and members, once we are in it. */
  groupOf(room: string): { readonly epoch: number; readonly members: readonly string[] } | undefined {
    const group = this.#rooms.get(room)?.group;
    return group === undefined ? undefined : { epoch: Number(group.epoch), members: group.members.map((member) => member.name) };
  }

  /** The key we know for `name`: the latest leaf of that name in any of our groups, else its pin. */
  async keyOf(name: string): Promise<Uint8Array | undefined> {
    for (const encrypted of this.#rooms.values()) {
      const leaf = encrypted.group?.members.filter((member) => member.name === name).at(-1);
      if (leaf !== undefined) return leaf.signatureKey;
    }
    return this.#pinStore.load(name);
  }

  /** The safety number of our identity and `name`'s key, or undefined when we know no key for it. */
  async safetyNumber(name: string): Promise<SafetyNumber | undefined> {
    const identity = this.#identity;
    if (identity === undefined) throw new PigeonError("NOT_LOGGED_IN", "safety numbers need a keyed login");
    const key = await this.keyOf(name);
    if (key === undefined) return undefined;
    const digits = safetyNumber({ name: identity.name, publicKey: identity.key.publicKey }, { name, publicKey: key });
    return { name, digits, formatted: formatSafetyNumber(digits) };
  }

  /** Pins `publicKey` (base64url) for `name`, replacing the old pin: the user accepted a new key. */
  trustKey(name: string, publicKey: string): Promise<void> {
    return this.#pinStore.save(name, decodeBase64Url(publicKey));
  }

  #room(room: string): EncryptedRoom {
    let encrypted = this.#rooms.get(room);
    if (encrypted !== undefined) return encrypted;
    const identity = this.#identity;
    const pins = this.#pins;
    if (identity === undefined || pins === undefined) throw new PigeonError("E2E_REQUIRED", "encrypted rooms need a keyed login");
    const host = this.#host;
    encrypted = new EncryptedRoom(room, {
      link: host.link,
      store: this.#store,
      pins,
      identity,
      receiving: host.receiving,
      maxKept: host.maxKept,
      suite: () => (this.#suite ??= loadCipherSuite(this.#options.cryptoProvider)),
      deliver: (output) => {
        host.deliver(output);
      },
      ack: (ackRoom, seq) => {
        host.ack(ackRoom, seq);
      },
      group: (change) => {
        host.group(change);
      },
      undecryptable: (notice) => {
        host.undecryptable(notice);
      },
      storage: (notice) => {
        host.storage(notice);
      },
    });
    this.#rooms.set(room, encrypted);
    return encrypted;
  }
}

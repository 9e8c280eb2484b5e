import type { MlsAck } from "@pigeon/protocol";
import { PigeonError } from "../errors.js";
import { newClientId } from "../validate.js";
import { toBase64 } from "./base64.js";
import type { EncryptedRoom } from "./encrypted-room.js";
import type { RelayLink } from "./relay-link.js";

/**
 * How many times one `send` makes its message (or a commit of pending removals) again after the
 * relay refused it as stale or behind pending removals. Each refusal means someone else's
 * commit landed first, or our log had not caught up yet.
 */
export const MAX_SEND_ATTEMPTS = 12;

/**
 * The sending half of an encrypted room: commits pending removals first, encrypts for the
 * current epoch, and follows the relay's refusals (a stale epoch: catch up with the log and
 * encrypt again; removals pending: commit them). A message key is never used twice: the state
 * after encrypting is kept, and saved before the ciphertext leaves, even if the relay refuses it.
 * Once accepted, the text is kept under its seq for the identity's next session (MLS cannot
 * decrypt our own messages for us).
 *
 * @example
 * const ack = await room.sender.send("hello", newClientId());
 */
export class RoomSender {
  constructor(
    readonly room: EncryptedRoom,
    readonly link: RelayLink,
  ) {}

  /** Encrypts `text` and puts it in the room's log under `clientId`; resolves with the relay's ack. */
  async send(text: string, clientId: string): Promise<MlsAck> {
    await this.room.ready();
    // Read the log up to the relay's epoch first (a send-only session's group may be behind),
    // rather than spend a message key on a stale epoch.
    await this.room.reach(this.room.relayEpoch);
    const plaintext = new TextEncoder().encode(text);
    for (let attempt = 1; attempt <= MAX_SEND_ATTEMPTS; attempt += 1) {
      const group = this.room.group;
      if (group === undefined || !group.active) throw new PigeonError("NOT_IN_GROUP", `not in the encrypted group of ${this.room.room}`);
      if (this.room.pending.length > 0 && (await this.#commitRemovals())) continue;
      const ciphertext = await this.room.exclusive(() => group.encrypt(plaintext));
      this.room.rememberOwn(clientId, text);
      await this.room.persist();
      let ack: MlsAck;
      try {
        ack = await this.link.sendApplication({ room: this.room.room, message: toBase64(ciphertext), clientId });
      } catch (error) {
        if (!(await this.#follow(error))) throw error;
        continue;
      }
      await this.room.sent(ack, clientId, text);
      return ack;
    }
    throw new PigeonError("STALE_EPOCH", `${this.room.room}: the group kept moving; the message was not sent`);
  }

  /**
   * Commits the pending removals. Returns true when the caller should look again (it committed,
   * or lost a race and caught up), false when nothing was left to commit here.
   */
  async #commitRemovals(): Promise<boolean> {
    const group = this.room.group;
    if (group === undefined) return false;
    const removals = this.room.pending;
    const pending = await this.room.exclusive(() => group.commitRemovals(removals));
    if (pending === undefined) return false;
    const before = group.members;
    try {
      await this.link.request("mls", {
        room: this.room.room,
        message: toBase64(pending.commit),
        groupInfo: toBase64(pending.groupInfo),
        clientId: newClientId(),
      });
    } catch (error) {
      if (await this.#follow(error)) return true;
      throw error;
    }
    await this.room.exclusive(() => {
      pending.accept();
      return Promise.resolve();
    });
    this.room.committed(before);
    await this.room.persist();
    return true;
  }

  // What the relay's refusal asks of us; false when it is not one we can follow.
  async #follow(error: unknown): Promise<boolean> {
    if (!(error instanceof PigeonError)) return false;
    if (error.code === "STALE_EPOCH") {
      this.room.status(error.group);
      await this.room.reach(error.group?.epoch);
      return true;
    }
    if (error.code === "REMOVALS_PENDING") {
      this.room.status(error.group);
      await this.room.reach(error.group?.epoch);
      return true;
    }
    return false;
  }
}

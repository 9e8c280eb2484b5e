import type { GroupMember, MlsGroup } from "@pigeon/crypto";
import type { GroupStatus } from "@pigeon/protocol";
import type { DeliveredMessage, DeliveryOutput } from "../delivery.js";
import { fromBase64 } from "./base64.js";
import type { RoomHost } from "./room-host.js";
import { codeOf, type RoomQueue } from "./room-queue.js";
import type { RoomState } from "./room-state.js";
import type { GroupChange, UndecryptableReason } from "./types.js";

/** What an {@link EntryReader} needs from its encrypted room. */
export interface ReaderRoom {
  readonly room: string;
  readonly host: RoomHost;
  readonly state: RoomState;
  readonly queue: RoomQueue;
  exclusive<T>(operation: () => Promise<T>): Promise<T>;
  rejoin(reason: UndecryptableReason): Promise<void>;
  forget(): Promise<void>;
  status(status: GroupStatus | undefined): void;
  changed(cause: GroupChange["cause"], before: readonly GroupMember[], after: readonly GroupMember[], by?: string): void;
  release(): void;
  /** The text of our own message sent under `clientId` in this session, once. */
  ownText(clientId: string | undefined): string | undefined;
}

/**
 * Takes an encrypted room's ordered log in: processes commits and proposals, decrypts
 * application messages and keeps them (with the group state) until they are handed to the app,
 * reports what it cannot read, and rejoins when the log shows the group moved on without us.
 * A session that does not receive (send-only) takes the log in all the same, so that its group
 * is current when it sends, but shows and acks nothing: what it decrypted stays kept for the
 * identity's next receiving session.
 *
 * @example
 * const reader = new EntryReader(room);
 * await reader.take(output);
 */
export class EntryReader {
  constructor(readonly room: ReaderRoom) {}

  /** Takes one ordered output of the room (an entry, an expiry, a catch-up, a restart). */
  async take(output: DeliveryOutput): Promise<void> {
    const { state } = this.room;
    switch (output.kind) {
      case "message":
        await this.#takeEntry(output.message);
        return;
      case "expired":
        state.suspect = true;
        this.#advance(output.notice.to);
        this.#hand(output);
        return;
      case "caughtUp":
        this.#hand(output);
        if (state.suspect) await this.#checkEpoch();
        return;
      case "restarted":
        if (state.incarnation !== undefined && state.incarnation !== output.notice.incarnation) await this.room.forget();
        this.#hand(output);
        return;
      case "duplicate":
      case "overflow":
        this.#hand(output);
        return;
    }
  }

  // Entries may have expired before we got them: if the relay's group moved past ours, the
  // commits that moved it are gone, and only a rejoin brings us back.
  async #checkEpoch(): Promise<void> {
    const { state, queue, host } = this.room;
    state.suspect = false;
    await queue.flush();
    const info = await host.link.request("groupInfo", { room: this.room.room });
    this.room.status(info);
    const group = state.group;
    if (group === undefined || (info.epoch !== null && BigInt(info.epoch) > group.epoch)) await this.room.rejoin("lost-state");
  }

  async #takeEntry(message: DeliveredMessage): Promise<void> {
    const { state, host } = this.room;
    const { seq } = message;
    if (seq <= state.seq) {
      const skip = state.skip;
      const shown = seq <= state.handedUpTo;
      if (skip !== undefined && seq <= skip.upTo && message.mls === "application" && message.user !== host.identity.name && !shown) this.room.queue.report(seq, skip.reason);
      this.#ack(seq);
      return;
    }
    const group = state.group;
    if (group === undefined || !group.active) {
      await this.room.rejoin("lost-state");
      return this.#takeEntry(message);
    }
    if (message.mls === undefined) {
      this.room.queue.report(seq, "not-encrypted");
      this.#advance(seq);
      return;
    }
    // An entry made in an epoch we never reached: the commits in between are gone.
    if (message.epoch !== undefined && BigInt(message.epoch) > group.epoch && message.user !== host.identity.name) {
      await this.room.rejoin("lost-state");
      return this.#takeEntry(message);
    }
    await this.#process(group, message);
  }

  async #process(group: MlsGroup, message: DeliveredMessage): Promise<void> {
    const { state, host, queue } = this.room;
    const { seq, user } = message;
    const epochBefore = group.epoch;
    const before = group.members;
    let result: Awaited<ReturnType<MlsGroup["process"]>>;
    try {
      result = await this.room.exclusive(async () => {
        state.sender = user;
        try {
          return await group.process(fromBase64(message.message));
        } finally {
          state.sender = undefined;
        }
      });
    } catch (error) {
      this.#advance(seq);
      // Our own entry after a restart (or a rejoin): ts-mls cannot read its own messages, and
      // the relay vouches that it is ours. Its text was kept when it was sent.
      if (user === host.identity.name) {
        if (message.mls === "application") this.#own(message);
        return;
      }
      if (message.mls === "application") queue.report(seq, "unreadable");
      else if (message.mls === "commit" && BigInt(message.epoch ?? -1) === epochBefore) {
        // A commit the relay took and we cannot: the group moved on without us.
        host.link.logger.warn(`pigeon: a commit in ${this.room.room} was refused`, codeOf(error));
        await this.room.rejoin("lost-state");
      }
      return;
    }
    this.#advance(seq);
    switch (result.kind) {
      case "message":
        // The relay authenticated the sender; a leaf that says otherwise is forged, never shown.
        if (result.sender !== user) queue.report(seq, "forged");
        else this.#keep(message, new TextDecoder().decode(result.plaintext));
        return;
      case "own":
        if (message.mls === "application") this.#own(message);
        return;
      case "commit":
        await host.pins.check(this.room.room, result.joined);
        this.room.changed("commit", before, group.members, user);
        this.room.release();
        if (result.removedMe && !state.stopped) await this.room.rejoin("lost-state");
        return;
      case "proposal":
        return;
    }
  }

  // Our own message: its text is in this session's memory, or kept since it was sent.
  #own(message: DeliveredMessage): void {
    const { seq, clientId } = message;
    if (seq <= this.room.state.handedUpTo) return;
    const text = this.room.ownText(clientId) ?? this.room.state.kept.get(seq)?.text;
    if (text === undefined) this.room.queue.report(seq, "own-not-kept");
    else this.#keep(message, text);
  }

  // Kept (and saved with the batch) before it is handed on; a send-only session only keeps it.
  #keep(message: DeliveredMessage, text: string): void {
    const { state, queue, host } = this.room;
    const { seq, id, user, sentAt, clientId } = message;
    const dropped = state.kept.add({ seq, id, user, sentAt, text, ...(clientId === undefined ? {} : { clientId }) });
    state.dirty = true;
    if (!host.receiving) {
      for (const oldest of dropped) queue.report(oldest.seq, "not-kept");
      return;
    }
    queue.effect(() => {
      host.deliver({ kind: "message", message: { ...message, message: text, encrypted: true } });
      state.handedUpTo = Math.max(state.handedUpTo, seq);
    });
  }

  #advance(seq: number): void {
    const { state } = this.room;
    if (seq > state.seq) state.seq = seq;
    state.dirty = true;
    this.#ack(seq);
  }

  // Only a receiving session acks: a send-only one leaves every entry to the next.
  #ack(seq: number): void {
    const { host, queue } = this.room;
    if (host.receiving) queue.ack(() => { host.ack(this.room.room, seq); });
  }

  #hand(output: DeliveryOutput): void {
    const { host, queue } = this.room;
    if (host.receiving) queue.effect(() => { host.deliver(output); });
  }
}

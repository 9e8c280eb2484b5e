import type { CaughtUpEvent, ChatMessage, ExpiredEvent, JoinAck, LoginAck } from "@pigeon/protocol";
import { Inbox, type ExpiredNotice, type InboxOutput } from "./inbox.js";
import { RecentIds } from "./recent-ids.js";

/**
 * A chat message as the SDK hands it to the app: `replayed` is true for a message the server
 * held while this identity was away and sent after it logged in again (not for one its node
 * sends late, mid-session, after it missed broadcasts); `encrypted` is true in
 * an encrypted room, where `message` is the text the SDK decrypted and `user` the sender, both
 * as the relay authenticated them and as the MLS group confirmed them.
 *
 * @example
 * client.on("message", (m) => console.log(`${m.encrypted ? "🔒" : ""}${m.user}: ${m.message}${m.replayed ? " (while you were away)" : ""}`));
 */
export type DeliveredMessage = ChatMessage & { readonly replayed: boolean; readonly encrypted: boolean };

/**
 * A room's seqs started over on the server, under a new `incarnation`: a relay on the memory
 * store restarted, the room emptied and was forgotten, or Redis lost or rolled back its data.
 * Messages this client already has stay; messages sent while the server was down or before it
 * came back may be missing, and the SDK cannot say which. Everything sent after it arrives.
 *
 * @example
 * client.on("restarted", ({ room }) => console.log(`${room} started over on the server`));
 */
export interface RestartNotice {
  readonly room: string;
  readonly incarnation: string;
}

/** What {@link Delivery} hands on to the app, in order. */
export type DeliveryOutput =
  | { readonly kind: "message"; readonly message: DeliveredMessage }
  | { readonly kind: "expired"; readonly notice: ExpiredNotice }
  | { readonly kind: "caughtUp"; readonly event: CaughtUpEvent }
  /** A message this client already handed on: acked, not shown again. */
  | { readonly kind: "duplicate"; readonly room: string; readonly seq: number }
  /** The room started over on the server (see {@link RestartNotice}). */
  | { readonly kind: "restarted"; readonly notice: RestartNotice }
  | { readonly kind: "overflow"; readonly room: string };

/**
 * Turns the server's message, expiry and catch-up events into what the app sees. A keyed
 * session keeps one {@link Inbox} per room (order and exactly-once by seq); a guest session
 * gets live messages, each id once. Pure: no sockets, no timers.
 *
 * @example
 * const delivery = new Delivery(10_000, 1_000);
 * delivery.loggedIn(loginAck);
 * for (const output of delivery.message(message)) hand(output);
 */
export class Delivery {
  #keyed = false;
  readonly #inboxes = new Map<string, Inbox>();
  // Rooms the identity is a member of, by the latest login and joins since.
  readonly #memberships = new Set<string>();
  // A keyed login is on its way: what comes replayed now was held while the identity was away.
  #loggingIn = false;
  // Rooms whose login (or join) replay has not reached its caughtUp yet. A replayed message in
  // another room is a node's catch-up after it missed broadcasts (see the relay's catch-up.ts):
  // late, not held while the identity was away, so not handed on as `replayed`.
  readonly #replaying = new Set<string>();
  readonly #recent: RecentIds;

  constructor(
    readonly maxHeld: number,
    readonly dedupWindow: number,
  ) {
    this.#recent = new RecentIds(dedupWindow);
  }

  /** Whether the session is keyed (acks, replay) rather than a guest's. */
  get keyed(): boolean {
    return this.#keyed;
  }

  /** Whether `room` is known as one of the identity's memberships. */
  isMember(room: string): boolean {
    return this.#memberships.has(room);
  }

  /**
   * A login is on its way. The server replays right after its ack, and those messages may be
   * handled before the ack itself is, so a keyed session must order them from the start.
   */
  loggingIn(keyed: boolean): void {
    this.#keyed = keyed;
    this.#loggingIn = keyed;
  }

  /** A successful login: a keyed one resumes each room from the server's cursor. */
  loggedIn(ack: LoginAck): DeliveryOutput[] {
    this.#keyed = ack.kind === "keyed";
    this.#loggingIn = false;
    this.#memberships.clear();
    this.#replaying.clear();
    if (!this.#keyed) return [];
    for (const { room } of ack.rooms) this.#replaying.add(room);
    return ack.rooms.flatMap(({ room, acked, incarnation }) => {
      this.#memberships.add(room);
      return this.#hand(room, this.#inbox(room).resume(acked, incarnation));
    });
  }

  /** A successful join: a new membership starts after the room's seq at joining. */
  joined({ room, seq, incarnation }: JoinAck): DeliveryOutput[] {
    if (!this.#keyed || this.#memberships.has(room) || incarnation === undefined) return [];
    this.#memberships.add(room);
    this.#replaying.add(room);
    return this.#hand(room, this.#inbox(room).start(seq, incarnation));
  }

  /** The room was left: its order is forgotten. */
  left(room: string): void {
    this.#memberships.delete(room);
    this.#replaying.delete(room);
    this.#inboxes.delete(room);
  }

  /** A `message` event. */
  message(message: ChatMessage): DeliveryOutput[] {
    if (this.#keyed) return this.#hand(message.room, this.#inbox(message.room).receive(message));
    return this.#recent.add(message.id) ? [{ kind: "message", message: delivered(message) }] : [];
  }

  /** An `expired` event: for a keyed session, only the part it lacks, in order. */
  expired(event: ExpiredEvent): DeliveryOutput[] {
    const { room, from, to } = event;
    const reason = event.reason ?? "unspecified";
    if (this.#keyed) return this.#hand(room, this.#inbox(room).expire(from, to, reason, event.incarnation));
    return [{ kind: "expired", notice: { room, from, to, reason } }];
  }

  /** A `caughtUp` event: for a keyed session, after everything held up to it. */
  caughtUp(event: CaughtUpEvent): DeliveryOutput[] {
    if (this.#keyed) return this.#hand(event.room, this.#inbox(event.room).caughtUp(event.seq, event.incarnation));
    return [{ kind: "caughtUp", event }];
  }

  /**
   * Rooms with messages held behind a gap, and how far each has delivered; a room that started
   * over and still waits for its new starting point counts as stalled at -1.
   */
  stalled(): Map<string, number> {
    const rooms = new Map<string, number>();
    for (const [room, inbox] of this.#inboxes) {
      if (inbox.restarting) rooms.set(room, -1);
      else if (inbox.heldCount > 0 && inbox.delivered !== undefined) rooms.set(room, inbox.delivered);
    }
    return rooms;
  }

  #inbox(room: string): Inbox {
    let inbox = this.#inboxes.get(room);
    if (inbox === undefined) {
      inbox = new Inbox(room, this.maxHeld, this.dedupWindow);
      this.#inboxes.set(room, inbox);
    }
    return inbox;
  }

  #hand(room: string, outputs: InboxOutput[]): DeliveryOutput[] {
    return outputs.map((output): DeliveryOutput => {
      switch (output.kind) {
        case "message":
          return { kind: "message", message: delivered(output.message, this.#loggingIn || this.#replaying.has(room)) };
        case "expired":
          return output;
        case "caughtUp":
          this.#replaying.delete(room);
          return { kind: "caughtUp", event: { room, seq: output.seq, incarnation: this.#inbox(room).incarnation ?? "" } };
        case "overflow":
          return { kind: "overflow", room };
        case "duplicate":
          return { kind: "duplicate", room, seq: output.seq };
        case "restarted":
          return { kind: "restarted", notice: { room, incarnation: output.incarnation } };
      }
    });
  }
}

// As the app gets it: an encrypted room's entries become `encrypted` once their group read them.
// `replayed` only where the server replays what it held while the identity was away.
function delivered(message: ChatMessage, away = true): DeliveredMessage {
  return { ...message, replayed: message.replayed === true && away, encrypted: false };
}

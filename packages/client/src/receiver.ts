import type { CaughtUpEvent, ChatMessage, ExpiredEvent, JoinAck, LoginAck } from "@pigeon/protocol";
import { AckBatcher, type PendingAck } from "./ack-batcher.js";
import { Delivery, type DeliveryOutput } from "./delivery.js";
import type { ClientEventMap, Logger } from "./options.js";
import { ackParsers } from "./parsers.js";
import { emitWithoutReply, type RawSocket } from "./socket.js";

/** What a {@link Receiver} needs from its client. */
export interface ReceiverHost {
  /** Hands an event to the app. */
  emit<E extends "message" | "expired" | "caughtUp" | "restarted">(event: E, payload: ClientEventMap[E]): void;
  /** Whether the client is closed (then nothing more reaches the app). */
  closed(): boolean;
  readonly logger: Logger;
  /**
   * Takes an ordered output of `room` when the room is encrypted (its group reads the entries
   * first, then hands them back through {@link Receiver.handProcessed}); false otherwise.
   */
  route(room: string, output: DeliveryOutput): boolean;
}

/** Options of a {@link Receiver}. */
export interface ReceiverOptions {
  /**
   * False for a send-only session: only encrypted rooms' outputs go on (to their groups, which
   * take the log in without handing it on); nothing else reaches the app or is acked.
   */
  receive?: boolean;
  /** How long an ack may wait for the server's answer. */
  timeoutMs: number;
  maxHeld: number;
  dedupWindow: number;
  ackIntervalMs?: number;
  ackBatch?: number;
  /** How long a gap may stay open before the client reconnects to have the room replayed. */
  gapWaitMs?: number;
}

/** By default a gap that stays open this long is taken for lost, not late. */
export const DEFAULT_GAP_WAIT_MS = 2000;

/**
 * The receiving half of a client: feeds the server's message, expiry and catch-up events
 * through {@link Delivery}, hands the result to the app in order, and acks what the app got,
 * batched, on the socket that the keyed login succeeded on.
 *
 * @example
 * const receiver = new Receiver(host, { maxHeld: 10_000, dedupWindow: 1_000 });
 * socket.on("message", (message) => receiver.message(message));
 */
export class Receiver {
  readonly #host: ReceiverHost;
  readonly #delivery: Delivery;
  readonly #acks: AckBatcher;
  // Acks go only where a keyed login succeeded; an ack sent before the login would be refused.
  #ackSocket: RawSocket | undefined;
  // The highest ack sent per room on #ackSocket without asking for an answer: close() sends
  // them again with one, as a barrier that the server has processed them all.
  readonly #unanswered = new Map<string, number>();
  readonly #ackTimeoutMs: number;
  readonly #gapWaitMs: number;
  readonly #receive: boolean;
  #gapTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: ReceiverHost, options: ReceiverOptions) {
    this.#host = host;
    this.#gapWaitMs = options.gapWaitMs ?? DEFAULT_GAP_WAIT_MS;
    this.#receive = options.receive ?? true;
    this.#delivery = new Delivery(options.maxHeld, options.dedupWindow);
    this.#ackTimeoutMs = options.timeoutMs;
    this.#acks = new AckBatcher(
      () => {
        this.#sendAcks();
      },
      options.ackIntervalMs,
      options.ackBatch,
    );
  }

  /** Whether the session is keyed. */
  get keyed(): boolean {
    return this.#delivery.keyed;
  }

  /** A login (keyed or not) is about to be sent. */
  loggingIn(keyed: boolean): void {
    this.#delivery.loggingIn(keyed);
  }

  /** A login succeeded on `socket`; a keyed one resumes its rooms from the server's cursors. */
  loggedIn(socket: RawSocket, login: LoginAck): void {
    const outputs = this.#delivery.loggedIn(login);
    if (login.kind === "keyed") {
      this.#ackSocket = socket;
      this.#unanswered.clear();
      for (const { room, acked } of login.rooms) this.#acks.serverHas(room, acked);
    }
    this.#hand(outputs);
  }

  /** Whether `room` is a membership the session already knew (a rejoin after a reconnect). */
  isMember(room: string): boolean {
    return this.#delivery.isMember(room);
  }

  /**
   * An output of an encrypted room, read by its group: hands it to the app. Its ack comes
   * apart, through {@link Receiver.ackProcessed}, once the group state that read it is saved.
   */
  handProcessed(output: DeliveryOutput): void {
    if (!this.#host.closed()) this.#handOne(output, false);
  }

  /** An entry of an encrypted room taken in, and its group state saved: acked. */
  ackProcessed(room: string, seq: number): void {
    if (!this.#host.closed() && this.#delivery.isMember(room)) this.#acks.delivered(room, seq);
  }

  /** A join succeeded. */
  joined(join: JoinAck): void {
    // A new membership starts at the room's seq; an existing one keeps the login's cursor.
    if (this.#delivery.keyed && !this.#delivery.isMember(join.room)) this.#acks.serverHas(join.room, join.seq);
    this.#hand(this.#delivery.joined(join));
  }

  /** A room was left. */
  left(room: string): void {
    this.#delivery.left(room);
    this.#acks.forget(room);
    this.#unanswered.delete(room);
  }

  /** A `message` event. */
  message(message: ChatMessage): void {
    this.#hand(this.#delivery.message(message));
  }

  /** An `expired` event. */
  expired(event: ExpiredEvent): void {
    this.#hand(this.#delivery.expired(event));
  }

  /** A `caughtUp` event. */
  caughtUp(event: CaughtUpEvent): void {
    this.#hand(this.#delivery.caughtUp(event));
  }

  /** `socket` is gone: its acks are lost (the next login's cursors tell what to send again). */
  disconnected(socket: RawSocket): void {
    if (this.#ackSocket === socket) this.#ackSocket = undefined;
  }

  /**
   * Stops for good and resolves once every ack owed went out on `socket` (if the keyed login
   * is on it) and the server answered, at most the ack timeout. Acks already sent went without
   * asking for an answer; the last one of each room goes again, answered, since the server
   * runs a connection's events in order, its answer shows that every earlier one was processed.
   * Only then may the connection close: socket.io drops events that reach the server in the
   * same breath as the client's disconnect.
   */
  async close(socket: RawSocket | undefined): Promise<void> {
    this.#acks.dispose();
    clearTimeout(this.#gapTimer);
    const usable = socket !== undefined && socket === this.#ackSocket && socket.connected;
    this.#ackSocket = undefined;
    if (!usable) return;
    const last = new Map(this.#unanswered);
    for (const { room, seq } of this.#acks.take()) last.set(room, seq);
    this.#unanswered.clear();
    await Promise.all([...last].map(([room, seq]) => this.#sendAnsweredAck(socket, { room, seq })));
  }

  // A message held behind a gap normally waits milliseconds (another node's broadcast came
  // first). One that waits longer was lost on the way (a send cut off mid-flight, a node that
  // died between storing and broadcasting): reconnecting makes the login replay the room from
  // the server's cursor, which fills the gap or reports it expired.
  #watchGaps(): void {
    if (this.#gapTimer !== undefined || this.#host.closed()) return;
    const before = this.#delivery.stalled();
    if (before.size === 0) return;
    this.#gapTimer = setTimeout(() => {
      this.#gapTimer = undefined;
      const now = this.#delivery.stalled();
      const stuck = [...before].find(([room, delivered]) => now.get(room) === delivered);
      if (stuck) this.#resync(stuck[0], `a gap after seq ${stuck[1]} stayed open for ${this.#gapWaitMs} ms`);
      else this.#watchGaps();
    }, this.#gapWaitMs);
  }

  // In order, stopping the moment a listener closes the client, so that nothing is acked
  // that the app did not see.
  #hand(outputs: readonly DeliveryOutput[]): void {
    this.#handOutputs(outputs);
    this.#watchGaps();
  }

  #handOutputs(outputs: readonly DeliveryOutput[]): void {
    const keyed = this.#delivery.keyed;
    for (const output of outputs) {
      if (this.#host.closed()) return;
      if (output.kind !== "overflow" && this.#host.route(roomOf(output), output)) continue;
      if (this.#receive) this.#handOne(output, keyed);
    }
  }

  // `ack`: whether handing it on is what acks it (a plain room's, in a keyed session).
  #handOne(output: DeliveryOutput, ack: boolean): void {
    switch (output.kind) {
      case "message":
        if (ack) this.#acks.delivered(output.message.room, output.message.seq);
        this.#host.emit("message", output.message);
        break;
      case "expired":
        if (ack) this.#acks.delivered(output.notice.room, output.notice.to);
        this.#host.emit("expired", output.notice);
        break;
      case "caughtUp":
        this.#host.emit("caughtUp", output.event);
        this.#acks.dueNow();
        break;
      case "overflow":
        this.#overflowed(output.room);
        break;
      case "duplicate":
        if (ack) this.#acks.delivered(output.room, output.seq);
        break;
      case "restarted":
        // The old seqs mean nothing now; acks start again from what the new run delivers.
        this.#acks.forget(output.notice.room);
        this.#unanswered.delete(output.notice.room);
        this.#host.emit("restarted", output.notice);
        break;
    }
  }

  // Sent without asking for an answer, which would cost the server a frame for every ack:
  // a refusal still arrives, as an `error` event. An ack lost with its connection is harmless,
  // since the next login's cursors show what the server lacks and it goes out again.
  #sendAcks(): void {
    const socket = this.#ackSocket;
    if (socket === undefined || !socket.connected || this.#host.closed()) return;
    for (const ack of this.#acks.take()) {
      emitWithoutReply(socket, "ack", ack);
      this.#unanswered.set(ack.room, ack.seq);
    }
  }

  // Never rejects: a refusal is logged; no answer because the connection went is expected.
  async #sendAnsweredAck(socket: RawSocket, ack: PendingAck): Promise<void> {
    let raw: unknown;
    try {
      raw = await socket.timeout(this.#ackTimeoutMs).emitWithAck("ack", ack);
    } catch (error) {
      if (socket.connected) this.#host.logger.warn(`pigeon: the server did not answer an ack for ${ack.room}`, error);
      return;
    }
    this.#checkAckReply(ack.room, raw);
  }

  #checkAckReply(room: string, raw: unknown): void {
    const result = ackParsers.ack.safeParse(raw);
    if (!result.success) this.#host.logger.warn("pigeon: the server's answer to an ack does not match the protocol", result.error.message);
    else if (!result.data.ok) this.#host.logger.warn(`pigeon: the server refused an ack for ${room}`, result.data.error);
  }

  // Too much held behind a gap: drop it unacked and start over on a fresh connection, whose
  // login replays the room in order.
  #overflowed(room: string): void {
    this.#resync(room, "too many messages held back");
  }

  #resync(room: string, why: string): void {
    const socket = this.#ackSocket;
    if (socket === undefined || !socket.connected) return;
    this.#ackSocket = undefined;
    this.#host.logger.warn(`pigeon: ${why} in ${room}; reconnecting to receive it in order`);
    socket.io.engine.close();
  }
}

function roomOf(output: DeliveryOutput): string {
  switch (output.kind) {
    case "message":
      return output.message.room;
    case "expired":
      return output.notice.room;
    case "caughtUp":
      return output.event.room;
    case "restarted":
      return output.notice.room;
    case "duplicate":
    case "overflow":
      return output.room;
  }
}

import type { ChatAck, ChatMessage, ErrorEvent, MlsAck } from "@pigeon/protocol";
import { PigeonError } from "./errors.js";
import { emitWithoutReply, type RawSocket } from "./socket.js";

/** The sends a relay answers by their echo: `chat` from protocol 6, `mls` from 7. */
export type EchoedEvent = "chat" | "mls";

interface Pending {
  readonly socket: RawSocket;
  readonly event: EchoedEvent;
  readonly room: string;
  readonly resolve: (ack: ChatAck | MlsAck) => void;
  readonly reject: (error: PigeonError) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * Sends answered by their echo: a plain room's `chat` (protocol 6) and an encrypted room's
 * `mls` application message (protocol 7) go out without an ack callback, and the sender's own
 * copy of the broadcast, which carries the send's client id, confirms it with everything an ack
 * would carry. The server writes one frame fewer per message. A refusal arrives as an `error`
 * event with the client id (and the group's status, for `mls`); a lost connection or no answer
 * in time rejects as `request` does (DISCONNECTED, TIMEOUT).
 *
 * @example
 * const ack = await echoes.send(socket, { room: "lobby", text: "hi", clientId }, 10_000);
 */
export class EchoedSends {
  readonly #pending = new Map<string, Pending>();

  constructor(private readonly ownName: () => string | undefined) {}

  /** Sends a plain `chat` and resolves with its place once the server echoes it back. */
  send(socket: RawSocket, payload: { room: string; text: string; clientId: string }, timeoutMs: number): Promise<ChatAck> {
    return this.#send(socket, "chat", payload, timeoutMs, () => {
      emitWithoutReply(socket, "chat", payload);
    });
  }

  /** Sends an MLS application message and resolves with its place once the server echoes it back. */
  sendMls(socket: RawSocket, payload: { room: string; message: string; clientId: string }, timeoutMs: number): Promise<MlsAck> {
    return this.#send(socket, "mls", payload, timeoutMs, () => {
      emitWithoutReply(socket, "mls", payload);
    }) as Promise<MlsAck>;
  }

  #send(socket: RawSocket, event: EchoedEvent, { room, clientId }: { room: string; clientId: string }, timeoutMs: number, emit: () => void): Promise<ChatAck | MlsAck> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#settle(clientId)?.reject(new PigeonError("TIMEOUT", `${event}: no answer from the server within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(clientId, { socket, event, room, resolve, reject, timer });
      emit();
    });
  }

  /** A `message` from the server: the answer to one of ours if it is our echo. */
  message(message: ChatMessage): void {
    const { clientId, room, user } = message;
    if (clientId === undefined || user !== this.ownName()) return;
    const pending = this.#pending.get(clientId);
    if (pending?.room !== room || (pending.event === "mls") !== (message.mls !== undefined)) return;
    const { id, seq, incarnation, sentAt } = message;
    const place = { room, id, seq, incarnation, sentAt };
    const { mls, epoch } = message;
    // As the ack says it: the epoch the group is at after this message (a commit moves it on).
    this.#settle(clientId)?.resolve(mls === undefined || epoch === undefined ? place : { ...place, kind: mls, epoch: mls === "commit" ? epoch + 1 : epoch });
  }

  /** An `error` event: true when it was the refusal of one of ours (which then rejects). */
  refused(event: ErrorEvent): boolean {
    if (event.clientId === undefined || this.#pending.get(event.clientId)?.event !== event.event) return false;
    const pending = this.#settle(event.clientId);
    pending?.reject(PigeonError.fromRefusal(event));
    return pending !== undefined;
  }

  /** `socket` went: no echo can come for what was sent on it; each send decides whether to retry. */
  disconnected(socket: RawSocket): void {
    for (const [clientId, pending] of [...this.#pending]) {
      if (pending.socket !== socket) continue;
      this.#settle(clientId)?.reject(new PigeonError("DISCONNECTED", "chat: the connection was lost before the server answered"));
    }
  }

  #settle(clientId: string): Pending | undefined {
    const pending = this.#pending.get(clientId);
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.#pending.delete(clientId);
    return pending;
  }
}

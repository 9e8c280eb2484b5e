import type { ChatAck, ChatMessage, ErrorEvent } from "@pigeon/protocol";
import { PigeonError } from "./errors.js";
import { emitWithoutReply, type RawSocket } from "./socket.js";

interface Pending {
  readonly socket: RawSocket;
  readonly room: string;
  readonly resolve: (ack: ChatAck) => void;
  readonly reject: (error: PigeonError) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * Plain-room sends answered by their echo (protocol 6): the chat goes out without an ack
 * callback, and the sender's own copy of the broadcast, which carries the send's client id,
 * confirms it with everything an ack would carry. The server writes one frame fewer per
 * message. A refusal arrives as an `error` event with the client id; a lost connection or
 * no answer in time rejects as `request` does (DISCONNECTED, TIMEOUT).
 *
 * @example
 * const ack = await echoes.send(socket, { room: "lobby", text: "hi", clientId }, 10_000);
 */
export class EchoedSends {
  readonly #pending = new Map<string, Pending>();

  constructor(private readonly ownName: () => string | undefined) {}

  /** Sends `payload` and resolves with its place once the server echoes it back. */
  send(socket: RawSocket, payload: { room: string; text: string; clientId: string }, timeoutMs: number): Promise<ChatAck> {
    const { room, clientId } = payload;
    return new Promise<ChatAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#settle(clientId)?.reject(new PigeonError("TIMEOUT", `chat: no answer from the server within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(clientId, { socket, room, resolve, reject, timer });
      emitWithoutReply(socket, "chat", payload);
    });
  }

  /** A `message` from the server: the answer to one of ours if it is our echo. */
  message(message: ChatMessage): void {
    const { clientId, room, user } = message;
    if (clientId === undefined || this.#pending.get(clientId)?.room !== room || user !== this.ownName()) return;
    const { id, seq, incarnation, sentAt } = message;
    this.#settle(clientId)?.resolve({ room, id, seq, incarnation, sentAt });
  }

  /** An `error` event: true when it was the refusal of one of ours (which then rejects). */
  refused(event: ErrorEvent): boolean {
    if (event.event !== "chat" || event.clientId === undefined) return false;
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

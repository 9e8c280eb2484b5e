import { newClientId, PigeonError } from "@pigeon/client";
import type { ChatAck } from "@pigeon/protocol";

/** What the outbox keeps of the server's answer to a sent message. */
export type OwnAck = Pick<ChatAck, "room" | "id" | "seq" | "sentAt">;

/**
 * Where an own message stands before the server's receipts take over:
 * `queued` waits for the connection, `sending` is on the wire, `accepted` has its seq,
 * `failed` was refused (the person may retry or discard it).
 */
export type OutboxState = "queued" | "sending" | "accepted" | "failed";

/** A message typed in this browser. Immutable: every change makes a new object. */
export interface OutboxEntry {
  /** Also the message's client id: every attempt to send it carries it, so the server stores it once. */
  readonly localId: string;
  readonly room: string;
  readonly text: string;
  readonly createdAt: number;
  readonly state: OutboxState;
  /** The server's answer, once accepted. */
  readonly ack: OwnAck | undefined;
  /** Why it failed. */
  readonly error: string | undefined;
  /** Sent, but the connection went before the answer: it may or may not have arrived. */
  readonly uncertain: boolean;
}

/** What the outbox needs from the connection. */
export interface OutboxTransport {
  /** Whether requests can go out now. */
  connected(): boolean;
  /** Sends a message under its client id; resolves with the server's ack (the original's, for a repeat). */
  send(room: string, text: string, clientId: string): Promise<ChatAck>;
}

/** Errors after which the same request may succeed later: on a new connection, or after a pause. */
const TRANSIENT = new Set<string>(["DISCONNECTED", "TIMEOUT", "UNAVAILABLE", "RATE_LIMITED"]);
/** Errors that mean the request went out but its answer was lost. */
const ANSWER_LOST = new Set<string>(["DISCONNECTED", "TIMEOUT"]);

/** Pause before trying again after a transient refusal while still connected (longer if the server asks). */
export const RETRY_DELAY_MS = 1_000;
/** Accepted entries kept (for their status) before the oldest are forgotten. */
export const MAX_ACCEPTED_ENTRIES = 500;

/**
 * Keeps what the person typed until the server has it, and sends it in order, one at a time:
 * while disconnected messages wait (`queued`) and go out on reconnect. A message whose answer
 * was lost with the connection (or with the tab) is simply sent again: it goes under the same
 * client id (its `localId`), and the server answers a repeat with the original, so it is
 * stored once as long as the server could still hold it (the message TTL).
 *
 * @example
 * const outbox = new Outbox(transport, () => render(outbox.entries));
 * outbox.enqueue("lobby", "hello");
 * client.on("state", () => outbox.wake());
 */
export class Outbox {
  #entries: readonly OutboxEntry[] = [];
  #pumping = false;
  // Set by wake(): another pass is due, even if one is running now.
  #wanted = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;

  constructor(
    private readonly transport: OutboxTransport,
    private readonly changed: () => void,
    // Random in any page: `crypto.randomUUID` exists only in secure contexts (not plain http).
    private readonly newId: () => string = newClientId,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every entry, oldest first. */
  get entries(): readonly OutboxEntry[] {
    return this.#entries;
  }

  /** Adds a message at the end of the queue and tries to send it. */
  enqueue(room: string, text: string): OutboxEntry {
    const entry: OutboxEntry = {
      localId: this.newId(),
      room,
      text,
      createdAt: this.now(),
      state: "queued",
      ack: undefined,
      error: undefined,
      uncertain: false,
    };
    this.#set([...this.#entries, entry]);
    this.wake();
    return entry;
  }

  /**
   * Puts back messages kept from an earlier session, before any typed since. One that was on
   * the wire then may have arrived: it is sent again under its id, which the server recognises.
   */
  restore(kept: readonly OutboxEntry[]): void {
    const restored = kept.flatMap((entry): OutboxEntry[] => {
      if (entry.state === "accepted" || this.#entries.some((existing) => existing.localId === entry.localId)) return [];
      return [entry.state === "sending" ? { ...entry, state: "queued", uncertain: true } : entry];
    });
    if (restored.length === 0) return;
    this.#set([...restored, ...this.#entries]);
    this.wake();
  }

  /** What still waits for the server (to keep across a reload). */
  get unsent(): OutboxEntry[] {
    return this.#entries.filter((entry) => entry.state !== "accepted");
  }

  /** Queues a failed message again, at the end. */
  retry(localId: string): void {
    const entry = this.#entries.find((candidate) => candidate.localId === localId);
    if (entry?.state !== "failed") return;
    this.#set([...this.#entries.filter((candidate) => candidate !== entry), { ...entry, state: "queued", error: undefined }]);
    this.wake();
  }

  /** Forgets a message that is not on its way (queued or failed). */
  discard(localId: string): void {
    this.#set(this.#entries.filter((entry) => entry.localId !== localId || entry.state === "sending" || entry.state === "accepted"));
  }

  /** A room was left: what still waited for it fails. */
  roomLeft(room: string): void {
    this.#set(this.#entries.map((entry) => (entry.room === room && entry.state === "queued" ? { ...entry, state: "failed", error: "you left the room" } : entry)));
  }

  /** Sends what waits, if connected. Call it whenever the connection comes back. */
  wake(): void {
    this.#wanted = true;
    if (this.#pumping || this.#disposed) return;
    this.#pumping = true;
    void this.#run();
  }

  /** Stops sending (what is on the wire still gets its answer recorded). */
  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#retryTimer);
  }

  async #run(): Promise<void> {
    try {
      while (this.#wanted) {
        this.#wanted = false;
        await this.#pump();
      }
    } finally {
      this.#pumping = false;
    }
  }

  async #pump(): Promise<void> {
    for (;;) {
      if (this.#disposed || !this.transport.connected()) return;
      const next = this.#entries.find((entry) => entry.state === "queued");
      if (next === undefined) return;
      if (!(await this.#sendOne(next))) return;
    }
  }

  // Returns whether the pump may go on with the next message.
  async #sendOne(entry: OutboxEntry): Promise<boolean> {
    this.#replace(entry.localId, { state: "sending" });
    try {
      const ack = await this.transport.send(entry.room, entry.text, entry.localId);
      this.#replace(entry.localId, { state: "accepted", ack, uncertain: false });
      return true;
    } catch (error) {
      const { code, message, retryAfterMs } = PigeonError.fromUnknown(error);
      if (!TRANSIENT.has(code)) {
        this.#replace(entry.localId, { state: "failed", error: message });
        return true;
      }
      // Keep its place: nothing after it goes before it.
      this.#replace(entry.localId, { state: "queued", uncertain: entry.uncertain || ANSWER_LOST.has(code) });
      if (this.transport.connected()) this.#retryLater(Math.max(RETRY_DELAY_MS, retryAfterMs ?? 0));
      return false;
    }
  }

  #retryLater(delayMs: number): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      this.wake();
    }, delayMs);
  }

  #replace(localId: string, change: Partial<OutboxEntry>): void {
    this.#set(this.#entries.map((entry) => (entry.localId === localId ? { ...entry, ...change } : entry)));
  }

  #set(entries: readonly OutboxEntry[]): void {
    let kept = entries;
    const accepted = kept.filter((entry) => entry.state === "accepted").length;
    if (accepted > MAX_ACCEPTED_ENTRIES) {
      let excess = accepted - MAX_ACCEPTED_ENTRIES;
      kept = kept.filter((entry) => entry.state !== "accepted" || excess-- <= 0);
    }
    this.#entries = kept;
    this.changed();
  }
}

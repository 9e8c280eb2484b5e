/** Under steady traffic, acks go out at most this often by default. */
export const DEFAULT_ACK_INTERVAL_MS = 1000;
/** After a quiet spell, an ack waits at most this long for the rest of a burst. */
export const ACK_DELAY_MS = 100;
/** After this many delivered messages an ack goes out at once by default. */
export const DEFAULT_ACK_BATCH = 100;

/** A cumulative ack to send: everything of `room` up to `seq`. */
export interface PendingAck {
  readonly room: string;
  readonly seq: number;
}

/**
 * Coalesces delivery acks: per room only the highest seq matters (acks are cumulative). The
 * first message after a quiet spell is acked within {@link ACK_DELAY_MS}, so a sender's
 * receipts are prompt in conversation; under steady traffic acks go out at most every
 * `intervalMs`, since each one costs the server an event, or at once after `batch` messages.
 * It only keeps books and calls `due` when it is time; the caller `take`s the acks and sends
 * them when it can. `sent` is what the server is believed to have, reset from the server's
 * own cursors after each login, so an ack lost with a connection goes out again.
 *
 * @example
 * const acks = new AckBatcher(() => { for (const { room, seq } of acks.take()) send(room, seq); });
 * acks.delivered("lobby", 7);
 */
export class AckBatcher {
  readonly #delivered = new Map<string, number>();
  readonly #sent = new Map<string, number>();
  #count = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastTake = -Infinity;

  constructor(
    readonly due: () => void,
    readonly intervalMs = DEFAULT_ACK_INTERVAL_MS,
    readonly batch = DEFAULT_ACK_BATCH,
  ) {}

  /** Whether some room has more delivered than acked. */
  get pending(): boolean {
    for (const [room, seq] of this.#delivered) if (seq > (this.#sent.get(room) ?? 0)) return true;
    return false;
  }

  /** Records that everything of `room` up to `seq` reached the app. */
  delivered(room: string, seq: number): void {
    if (seq <= (this.#delivered.get(room) ?? 0)) return;
    this.#delivered.set(room, seq);
    this.#count += 1;
    if (this.#count >= this.batch) this.dueNow();
    else this.#schedule();
  }

  /** The server's cursors (after a login or join): what it has is exactly this. */
  serverHas(room: string, acked: number): void {
    this.#sent.set(room, acked);
    if (this.pending) this.#schedule();
  }

  /** Calls `due` now, e.g. when a room has caught up. */
  dueNow(): void {
    this.#cancel();
    this.due();
  }

  /** The acks to send now, each room at most once; they count as sent from here on. */
  take(): PendingAck[] {
    this.#cancel();
    this.#count = 0;
    this.#lastTake = Date.now();
    const acks: PendingAck[] = [];
    for (const [room, seq] of this.#delivered) {
      if (seq > (this.#sent.get(room) ?? 0)) {
        acks.push({ room, seq });
        this.#sent.set(room, seq);
      }
    }
    return acks;
  }

  /** Forgets a room (left): nothing more is acked there. */
  forget(room: string): void {
    this.#delivered.delete(room);
    this.#sent.delete(room);
  }

  /** Stops the timer (on close). */
  dispose(): void {
    this.#cancel();
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    const spacing = this.intervalMs - (Date.now() - this.#lastTake);
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.due();
      },
      Math.max(Math.min(ACK_DELAY_MS, this.intervalMs), spacing),
    );
  }

  #cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

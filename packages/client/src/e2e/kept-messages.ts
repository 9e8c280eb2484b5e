import type { KeptMessage } from "@pigeon/crypto";

/**
 * The messages of one encrypted room that this client took in (decrypted, or sent itself) but
 * has not handed to the app and acked yet, oldest first, at most `max` of them. They are saved
 * with the group state, so that a session that stops before showing them (or a send-only one,
 * which never shows anything) leaves them to the identity's next receiving session: their
 * keys are spent, and ts-mls cannot decrypt our own messages.
 *
 * @example
 * const kept = new KeptMessages(10_000);
 * kept.add({ seq: 58, id, user: "bob", sentAt, text: "hi" }); // [] (nothing dropped)
 * kept.upTo(60); // [{ seq: 58, … }]
 */
export class KeptMessages {
  // By seq; seqs only grow within an incarnation, so insertion order is seq order but for our
  // own sends, whose ack may come after later entries were taken in.
  #bySeq = new Map<number, KeptMessage>();

  constructor(readonly max: number) {}

  /** How many messages are kept. */
  get size(): number {
    return this.#bySeq.size;
  }

  /** The message kept under `seq`, if any. */
  get(seq: number): KeptMessage | undefined {
    return this.#bySeq.get(seq);
  }

  /**
   * Keeps `message` (a seq already kept stays as it is). Returns the oldest messages dropped to
   * stay within `max`: the caller reports them, since they will not be shown.
   */
  add(message: KeptMessage): KeptMessage[] {
    if (this.#bySeq.has(message.seq)) return [];
    this.#bySeq.set(message.seq, message);
    if ([...this.#bySeq.keys()].some((seq) => seq > message.seq)) this.#sort();
    const dropped: KeptMessage[] = [];
    for (const [seq, oldest] of this.#bySeq) {
      if (this.#bySeq.size <= this.max) break;
      this.#bySeq.delete(seq);
      dropped.push(oldest);
    }
    return dropped;
  }

  /** Replaces the list with `messages` after `cursor` (those at or before it the server has). */
  restore(messages: readonly KeptMessage[], cursor: number): void {
    this.#bySeq = new Map(messages.filter(({ seq }) => seq > cursor).map((message) => [message.seq, message]));
    this.#sort();
  }

  /** The kept messages at or before `seq`, in order. */
  upTo(seq: number): KeptMessage[] {
    return [...this.#bySeq.values()].filter((message) => message.seq <= seq);
  }

  /** Forgets the messages at or before `seq` (handed and acked); returns what is left, in order. */
  dropUpTo(seq: number): KeptMessage[] {
    for (const kept of this.#bySeq.keys()) if (kept <= seq) this.#bySeq.delete(kept);
    return [...this.#bySeq.values()];
  }

  /** Forgets everything (the room started over: its seqs mean nothing now). */
  clear(): void {
    this.#bySeq.clear();
  }

  #sort(): void {
    this.#bySeq = new Map([...this.#bySeq].sort(([a], [b]) => a - b));
  }
}

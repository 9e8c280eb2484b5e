import type { ChatMessage, ExpiredEvent } from "@pigeon/protocol";

/**
 * Why messages are missing: the server dropped them for age (`ttl`, also used when a lapsed
 * membership is renewed), for the room's quota (`quota`), or without saying why
 * (`unspecified`, as in a gap found while replaying after a login); or the server caught up
 * without them and said nothing (`lost`, which a correct server never causes).
 *
 * @example
 * const why: GapReason = notice.reason; // "ttl" | "quota" | "unspecified" | "lost"
 */
export type GapReason = "ttl" | "quota" | "unspecified" | "lost";

/**
 * Messages `from`..`to` (inclusive) of `room` that this client will never receive: from the
 * protocol's `expired` event, or a gap the SDK found itself, with a reason either way.
 *
 * @example
 * client.on("expired", ({ room, from, to }) => console.log(`[${room}] seq ${from}-${to} expired`));
 */
export interface ExpiredNotice extends Readonly<Pick<ExpiredEvent, "room" | "from" | "to">> {
  readonly reason: GapReason;
}

/** What an {@link Inbox} hands on, in the order the app must see it. */
export type InboxOutput =
  | { readonly kind: "message"; readonly message: ChatMessage }
  | { readonly kind: "expired"; readonly notice: ExpiredNotice }
  | { readonly kind: "caughtUp"; readonly seq: number }
  /** The hold-back buffer is full: a message was dropped unacked (a fresh login replays it). */
  | { readonly kind: "overflow" };

type Skip = GapReason | "silent";

/**
 * One room's delivery order for a keyed member, pure bookkeeping: given what the server sends
 * (live, replayed, duplicated, out of order), it hands on each message exactly once and in
 * seq order. `delivered` is the highest seq handed on (or skipped over as a gap). Messages
 * past a gap are held back until the gap is filled, covered by an expiry notice, or passed
 * by `caughtUp`. Until the room's starting point is known (`resume`/`start`), everything is held.
 *
 * @example
 * const inbox = new Inbox("lobby", 10_000);
 * inbox.resume(41);
 * inbox.receive(message43); // [] (held: 42 is missing)
 * inbox.receive(message42); // [42, 43]
 */
export class Inbox {
  #delivered: number | undefined;
  readonly #held = new Map<number, ChatMessage>();
  #expired: { from: number; to: number; reason: GapReason }[] = [];
  #caughtUpWhileUnknown: number | undefined;

  constructor(
    readonly room: string,
    readonly maxHeld: number,
  ) {}

  /** The highest seq handed on or skipped; undefined until the starting point is known. */
  get delivered(): number | undefined {
    return this.#delivered;
  }

  /** How many messages wait behind a gap. */
  get heldCount(): number {
    return this.#held.size;
  }

  /**
   * The server's cursor after a login: the member has everything up to `acked`. A cursor
   * ahead of ours means another connection of the identity confirmed those messages, so
   * they are skipped without a notice.
   */
  resume(acked: number): InboxOutput[] {
    if (this.#delivered === undefined) return this.#begin(acked);
    return [...this.#advance(acked, "silent"), ...this.#drain()];
  }

  /**
   * A new membership starting after `seq` (a join). If the room was known and behind `seq`,
   * the membership had lapsed and what lies between is gone: reported as `ttl`.
   */
  start(seq: number): InboxOutput[] {
    if (this.#delivered === undefined) return this.#begin(seq);
    return [...this.#advance(seq, "ttl"), ...this.#drain()];
  }

  /** A `message` event: delivered now, dropped as a duplicate, or held behind a gap. */
  receive(message: ChatMessage): InboxOutput[] {
    if (this.#delivered !== undefined && message.seq <= this.#delivered) return [];
    if (this.#held.has(message.seq)) return [];
    if (this.#held.size >= this.maxHeld && message.seq !== nextOf(this.#delivered)) return [{ kind: "overflow" }];
    this.#held.set(message.seq, message);
    return this.#drain();
  }

  /** An `expired` event: the range will never come; the part we lack is reported in order. */
  expire(from: number, to: number, reason: GapReason): InboxOutput[] {
    if (this.#delivered !== undefined && to <= this.#delivered) return [];
    this.#expired.push({ from, to, reason });
    return this.#drain();
  }

  /** A `caughtUp` event: everything up to `seq` was sent; what is still missing is lost. */
  caughtUp(seq: number): InboxOutput[] {
    if (this.#delivered === undefined) {
      this.#caughtUpWhileUnknown = Math.max(this.#caughtUpWhileUnknown ?? 0, seq);
      return [];
    }
    return [...this.#advance(seq, "lost"), ...this.#drain(), { kind: "caughtUp", seq }];
  }

  #begin(base: number): InboxOutput[] {
    this.#delivered = base;
    for (const seq of this.#held.keys()) if (seq <= base) this.#held.delete(seq);
    const output = this.#drain();
    const caughtUp = this.#caughtUpWhileUnknown;
    this.#caughtUpWhileUnknown = undefined;
    return caughtUp === undefined ? output : [...output, ...this.caughtUp(caughtUp)];
  }

  // Hands on what is next in order: held messages, and gaps covered by an expiry notice.
  #drain(): InboxOutput[] {
    return this.#advance(undefined, "silent");
  }

  // Moves `delivered` forward as far as held messages and expiry notices allow, and at least
  // to `limit` when given, reporting each missing run with its notice's reason or `skip`'s.
  #advance(limit: number | undefined, skip: Skip): InboxOutput[] {
    const output: InboxOutput[] = [];
    for (;;) {
      const delivered = this.#delivered;
      if (delivered === undefined) break;
      const next = delivered + 1;
      const message = this.#held.get(next);
      if (message !== undefined) {
        this.#held.delete(next);
        this.#delivered = next;
        output.push({ kind: "message", message });
        continue;
      }
      const notice = this.#expired.find(({ from, to }) => from <= next && next <= to);
      const forced = limit !== undefined && next <= limit;
      if (notice === undefined && !forced) break;
      // The run ends before the next held message, and a forced skip also before the next notice.
      const end = notice === undefined ? Math.min(this.#nextAfter(next) - 1, limit ?? next) : Math.min(this.#nextHeldAfter(next) - 1, notice.to);
      this.#delivered = end;
      const reason = notice?.reason ?? skip;
      if (reason !== "silent") output.push({ kind: "expired", notice: { room: this.room, from: next, to: end, reason } });
    }
    const delivered = this.#delivered ?? 0;
    this.#expired = this.#expired.filter(({ to }) => to > delivered);
    return output;
  }

  #nextAfter(seq: number): number {
    const notices = this.#expired.filter(({ from }) => from > seq).map(({ from }) => from);
    return Math.min(this.#nextHeldAfter(seq), ...notices);
  }

  #nextHeldAfter(seq: number): number {
    let lowest = Number.POSITIVE_INFINITY;
    for (const held of this.#held.keys()) if (held > seq && held < lowest) lowest = held;
    return lowest;
  }
}

function nextOf(delivered: number | undefined): number | undefined {
  return delivered === undefined ? undefined : delivered + 1;
}

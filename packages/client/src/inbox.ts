import type { ChatMessage, ExpiredEvent } from "@pigeon/protocol";
import { RecentIds } from "./recent-ids.js";

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
  /** A message handed on before under another seq (see `restarted`): to ack, not to show. */
  | { readonly kind: "duplicate"; readonly seq: number }
  /** The room's seqs started over on the server (a new incarnation): the old order is gone. */
  | { readonly kind: "restarted"; readonly incarnation: string }
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
 * Seqs are ordered only within one incarnation of the room. Anything carrying another
 * incarnation than the inbox's starts the room over: the old order is dropped, a `restarted`
 * output says so, and the new incarnation's messages are held until the server gives the new
 * starting point, from which everything received since the restart is handed on. Ids already
 * handed on are not handed on again (a Redis that came back with an older copy of the room
 * replays messages this client had under the old incarnation).
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
  #incarnation: string | undefined;
  // Set by a restart until the new starting point is known.
  #restarting = false;
  readonly #handed: RecentIds;

  constructor(
    readonly room: string,
    readonly maxHeld: number,
    dedupWindow = 1_000,
  ) {
    this.#handed = new RecentIds(dedupWindow);
  }

  /** The incarnation of the room this inbox orders, once known. */
  get incarnation(): string | undefined {
    return this.#incarnation;
  }

  /** Whether the room started over and the server has not yet said where the new run starts. */
  get restarting(): boolean {
    return this.#restarting;
  }

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
  resume(acked: number, incarnation: string): InboxOutput[] {
    const restarted = this.#observe(incarnation);
    if (this.#delivered === undefined) return [...restarted, ...this.#begin(acked)];
    return [...restarted, ...this.#advance(acked, "silent"), ...this.#drain()];
  }

  /**
   * A new membership starting after `seq` (a join). If the room was known and behind `seq`,
   * the membership had lapsed and what lies between is gone: reported as `ttl`.
   */
  start(seq: number, incarnation: string): InboxOutput[] {
    const restarted = this.#observe(incarnation);
    if (this.#delivered === undefined) return [...restarted, ...this.#begin(seq)];
    return [...restarted, ...this.#advance(seq, "ttl"), ...this.#drain()];
  }

  /** A `message` event: delivered now, dropped as a duplicate, or held behind a gap. */
  receive(message: ChatMessage): InboxOutput[] {
    const restarted = this.#observe(message.incarnation);
    if (this.#delivered !== undefined && message.seq <= this.#delivered) return restarted;
    if (this.#held.has(message.seq)) return restarted;
    if (this.#held.size >= this.maxHeld && message.seq !== nextOf(this.#delivered)) return [...restarted, { kind: "overflow" }];
    this.#held.set(message.seq, message);
    return [...restarted, ...this.#drain()];
  }

  /**
   * An `expired` event: the range will never come; the part we lack is reported in order. A
   * notice about another incarnation than the inbox's is about seqs it does not order: ignored.
   * (A replay's notice may come before the login's ack names the incarnation: then it names it.)
   */
  expire(from: number, to: number, reason: GapReason, incarnation?: string): InboxOutput[] {
    if (incarnation !== undefined) {
      this.#incarnation ??= incarnation;
      if (incarnation !== this.#incarnation) return [];
    }
    if (this.#delivered !== undefined && to <= this.#delivered) return [];
    this.#expired.push({ from, to, reason });
    return this.#drain();
  }

  /** A `caughtUp` event: everything up to `seq` was sent; what is still missing is lost. */
  caughtUp(seq: number, incarnation: string): InboxOutput[] {
    return [...this.#observe(incarnation), ...this.#caughtUpTo(seq)];
  }

  #caughtUpTo(seq: number): InboxOutput[] {
    if (this.#delivered === undefined) {
      this.#caughtUpWhileUnknown = Math.max(this.#caughtUpWhileUnknown ?? 0, seq);
      return [];
    }
    return [...this.#advance(seq, "lost"), ...this.#drain(), { kind: "caughtUp", seq }];
  }

  // Adopts the first incarnation seen; another one starts the room over.
  #observe(incarnation: string): InboxOutput[] {
    if (this.#incarnation === incarnation) return [];
    const known = this.#incarnation !== undefined;
    this.#incarnation = incarnation;
    if (!known) return [];
    this.#delivered = undefined;
    this.#held.clear();
    this.#expired = [];
    this.#caughtUpWhileUnknown = undefined;
    this.#restarting = true;
    return [{ kind: "restarted", incarnation }];
  }

  #begin(server: number): InboxOutput[] {
    // After a restart, what arrived before the server named the new starting point came after
    // the restart: it is handed on even when the server's base is past it.
    const lowest = this.#restarting ? this.#nextHeldAfter(-1) - 1 : server;
    const base = Math.min(server, lowest);
    this.#restarting = false;
    this.#delivered = base;
    for (const seq of this.#held.keys()) if (seq <= base) this.#held.delete(seq);
    const output = base < server ? [...this.#advance(server, "silent"), ...this.#drain()] : this.#drain();
    const caughtUp = this.#caughtUpWhileUnknown;
    this.#caughtUpWhileUnknown = undefined;
    return caughtUp === undefined ? output : [...output, ...this.#caughtUpTo(caughtUp)];
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
        output.push(this.#handed.add(message.id) ? { kind: "message", message } : { kind: "duplicate", seq: next });
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

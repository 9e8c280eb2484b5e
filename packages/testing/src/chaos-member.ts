import type { IdentityKey } from "@pigeon/crypto";
import type { DeliveredMessage, ExpiredNotice, PigeonClient } from "@pigeon/client";
import { recordByRoom } from "./keyed.js";

/**
 * One membership of a chaos member in a room, from a join to a leave (or to the end of the run).
 * Each one owes the member every message after `from`, exactly once and in order.
 */
export interface Membership {
  /**
   * The join ack's seq: the membership owes every later message and nothing up to it. Undefined
   * when the join was cut off with its connection and turned out to have taken effect at a seq
   * no client was told, somewhere after `after`.
   */
  readonly from: number | undefined;
  /** Every message of the membership is after this seq (`from` when known). */
  readonly after: number;
  /**
   * Where the membership ended in the room's log: how many messages of the room the member had
   * been handed when its leave was acked. Undefined while it lasts.
   */
  end?: number;
  /** The seq the member must have reached before its leave took effect (see `leave` in chaos.ts). */
  owed?: number;
  /**
   * Holes covered by an `expired` notice are allowed: a leave was cut off with its connection
   * and took effect anyway, and the SDK rejoined on reconnecting, reporting the gap as expired.
   */
  lapsed?: boolean;
}

/** One identity in a chaos run: its memberships, its current client (none while away) and what it got. */
export class ChaosMember {
  client: PigeonClient | undefined;
  readonly log = new Map<string, DeliveredMessage[]>();
  /** Every `expired` notice this identity's clients got: the SDK's word for a hole. */
  readonly expired: ExpiredNotice[] = [];
  /** Rooms its clients were told started over on the server (the SDK's `restarted`). */
  readonly restarted: string[] = [];
  /** What it got of runs that ended with a restart of the relay (see {@link startOver}). */
  readonly before = new Map<string, DeliveredMessage[]>();
  /** What the SDK logged (a gap it gave up waiting for, a session it could not restore). */
  readonly warnings: string[] = [];
  /** Each room's memberships, oldest first; only the last one may still be open. */
  readonly memberships = new Map<string, Membership[]>();
  /** A join or leave of this member is under way: it neither sends nor takes part in another. */
  busy = false;
  /** Sends of this member awaiting their ack. */
  sending = 0;
  /** An SDK logger that keeps what the SDK says, for failure messages. */
  readonly logger = {
    warn: (message: string): void => {
      this.warnings.push(message);
    },
  };
  // Rooms whose replay has not ended (caughtUp) since the latest (re)connect.
  readonly #catchingUp = new Set<string>();
  #joined = false;

  constructor(
    readonly name: string,
    readonly key: IdentityKey,
    /** The rooms it joins before traffic starts. */
    readonly initialRooms: readonly string[],
  ) {}

  /** Whether every room has caught up since the latest connection was made. */
  get caughtUp(): boolean {
    return this.#catchingUp.size === 0;
  }

  /** The rooms it is a member of now. */
  get rooms(): string[] {
    return [...this.memberships].filter(([, list]) => list.at(-1)?.end === undefined).map(([room]) => room);
  }

  /** Starts recording a (new) client of this identity. */
  attach(client: PigeonClient): void {
    this.client = client;
    recordByRoom(client, this.log);
    client.on("expired", (notice) => this.expired.push(notice));
    client.on("restarted", ({ room }) => this.restarted.push(room));
    client.on("hello", () => {
      // The first login precedes the joins, so only later logins resume rooms and replay.
      if (this.#joined) for (const room of this.rooms) this.#catchingUp.add(room);
    });
    client.on("caughtUp", ({ room }) => {
      this.#catchingUp.delete(room);
    });
  }

  /** Marks the initial rooms joined: from now on each login replays the member's rooms. */
  joinedAll(): void {
    this.#joined = true;
  }

  /** A membership begins: after `from` when the join ack said so, else somewhere after `after`. */
  joined(room: string, from: number | undefined, after = from ?? 0): void {
    const list = this.memberships.get(room) ?? [];
    if (list.at(-1)?.end === undefined && list.length > 0) throw new Error(`${this.name} joined ${room} twice`);
    list.push({ from, after });
    this.memberships.set(room, list);
  }

  /** The open membership of `room` ends here; the member must have reached `owed` before. */
  left(room: string, owed: number | undefined): void {
    const current = this.memberships.get(room)?.at(-1);
    if (current === undefined || current.end !== undefined) throw new Error(`${this.name} left ${room} without being in it`);
    current.end = this.log.get(room)?.length ?? 0;
    if (owed !== undefined) current.owed = owed;
    // A replay of a room left is no longer awaited: its caughtUp may never be handed on.
    this.#catchingUp.delete(room);
  }

  /** The open membership of `room` stays, but may have lapsed and been renewed (see {@link Membership.lapsed}). */
  lapsed(room: string): void {
    const current = this.memberships.get(room)?.at(-1);
    if (current !== undefined && current.end === undefined) current.lapsed = true;
  }

  /**
   * The relay restarted with an empty store: every room started over under a new incarnation.
   * Moves what the member got of the old run (`incarnations`, by room) to {@link before}, and
   * starts each room it is in afresh, at a seq no client was told (the SDK's own rejoin). Rooms
   * it had left are forgotten: the new run owes it nothing there.
   */
  startOver(incarnations: ReadonlyMap<string, string>): void {
    for (const [room, messages] of this.log) {
      const old = incarnations.get(room);
      this.before.set(room, [...(this.before.get(room) ?? []), ...messages.filter((message) => message.incarnation === old)]);
      this.log.set(room, messages.filter((message) => message.incarnation !== old));
    }
    const current = this.rooms;
    this.memberships.clear();
    for (const room of current) this.memberships.set(room, [{ from: undefined, after: 0 }]);
  }

  /** The seqs received in `room`, in order. */
  seqs(room: string): number[] {
    return (this.log.get(room) ?? []).map((message) => message.seq);
  }
}

import type { UndecryptableNotice, UndecryptableReason } from "./types.js";

/**
 * Gathers undecryptable entries into ranges, so a thousand messages sent before we joined are
 * one notice, not a thousand: consecutive reports of one reason extend the open range.
 *
 * @example
 * const gathered = new NoticeGatherer("team");
 * gathered.add(5, "before-join"); gathered.add(6, "before-join");
 * gathered.close(); // { room: "team", from: 5, to: 6, count: 2, reason: "before-join" }
 */
export class NoticeGatherer {
  #open: { from: number; to: number; count: number; reason: UndecryptableReason } | undefined;

  constructor(readonly room: string) {}

  /** Adds one unreadable message at `seq`; returns the range it closed, if another reason ends it. */
  add(seq: number, reason: UndecryptableReason): UndecryptableNotice | undefined {
    const open = this.#open;
    if (open !== undefined && open.reason === reason) {
      open.to = seq;
      open.count += 1;
      return undefined;
    }
    const closed = this.close();
    this.#open = { from: seq, to: seq, count: 1, reason };
    return closed;
  }

  /** Ends the open range and returns it, if there is one. */
  close(): UndecryptableNotice | undefined {
    const open = this.#open;
    this.#open = undefined;
    return open === undefined ? undefined : { room: this.room, ...open };
  }
}

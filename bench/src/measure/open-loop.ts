import { setTimeout as sleep } from "node:timers/promises";
import { nowMicros } from "./histogram.js";

/** A fixed-rate schedule: `count` sends, `1 / ratePerSecond` apart, starting now. */
export interface OpenLoopOptions {
  readonly ratePerSecond: number;
  readonly count: number;
  /** Sends message `index`, due at `scheduledMicros` (on the {@link nowMicros} clock). */
  readonly send: (index: number, scheduledMicros: number) => void;
}

/** How well the sender kept to its schedule. */
export interface OpenLoopReport {
  readonly sent: number;
  /** Longest a send went out after its scheduled time: the client's own lag. */
  readonly maxLagMs: number;
}

/**
 * An open-loop sender: every message has a scheduled time fixed in advance, and is sent at
 * that time whatever the server is doing (late ones go out at once, in a burst). Latency is
 * measured from the scheduled time, not the actual one, so a stalled server or client cannot
 * hide its stall (no coordinated omission). Bounded by `count`; resolves after the last send.
 *
 * @example
 * await runOpenLoop({ ratePerSecond: 1000, count: 5000, send: (i, at) => client.chat(`${at}`) });
 */
export async function runOpenLoop({ ratePerSecond, count, send }: OpenLoopOptions): Promise<OpenLoopReport> {
  const intervalMicros = 1_000_000 / ratePerSecond;
  const start = nowMicros();
  let next = 0;
  let maxLagMicros = 0;
  while (next < count) {
    const now = nowMicros();
    while (next < count && start + next * intervalMicros <= now) {
      const scheduled = Math.round(start + next * intervalMicros);
      maxLagMicros = Math.max(maxLagMicros, now - scheduled);
      send(next, scheduled);
      next += 1;
    }
    if (next < count) {
      const waitMicros = start + next * intervalMicros - nowMicros();
      // Timers are 1 ms at best; sends due within the same millisecond go out together.
      await sleep(Math.max(0, Math.min(waitMicros / 1000, 5)));
    }
  }
  return { sent: next, maxLagMs: maxLagMicros / 1000 };
}

/**
 * How many sends an open loop at `ratePerSecond` makes in `durationMs` (at least one).
 *
 * @example
 * sendsFor(1_000, 2_500) // 2500
 */
export function sendsFor(ratePerSecond: number, durationMs: number): number {
  return Math.max(1, Math.round((ratePerSecond * durationMs) / 1000));
}

import type { Profile } from "../profiles.js";
import type { PigeonLimits } from "../servers/launch-options.js";
import { runFanout, type FanoutResult, type Mode } from "./fanout.js";
import { runMaxRate, runOneToOne, type MaxRateResult, type OneToOneResult } from "./one-to-one.js";

/** The two sides compared: limits checked on every event but never refusing, and no checks at all. */
export const LIMIT_SIDES = ["off", "unrefusing"] as const satisfies readonly PigeonLimits[];
export type LimitSide = (typeof LIMIT_SIDES)[number];

/** A fan-out row with the limits off and on. */
export interface FanoutCost {
  readonly mode: Mode;
  readonly roomSize: number;
  readonly off: FanoutResult;
  readonly on: FanoutResult;
  /** Deliveries per server CPU-second, on over off (1 = the limits cost nothing). */
  readonly ratio: number;
}

/** What the limits cost on the fan-out and 1:1 rows. */
export interface LimitsCostResult {
  readonly rounds: number;
  readonly fanout: readonly FanoutCost[];
  readonly maxRate: { readonly off: MaxRateResult; readonly on: MaxRateResult; readonly ratio: number };
  /** 1:1 latency at half of Pigeon's maximum rate with the limits off. */
  readonly latency: { readonly ratePerSecond: number; readonly off: OneToOneResult; readonly on: OneToOneResult; readonly p99Ratio: number };
}

/** The fan-out rows measured: where the per-message checks weigh most (small rooms) and a room of 100. */
const FANOUT_CASES: readonly { mode: Mode; roomSize: number }[] = [
  { mode: "guest", roomSize: 10 },
  { mode: "guest", roomSize: 100 },
  { mode: "keyed", roomSize: 10 },
  { mode: "keyed", roomSize: 100 },
];

/**
 * Pigeon's fan-out and 1:1 rows twice, side by side, each on a fresh server: with its rate
 * limits off (their checks replaced by no-ops, servers/no-limits.ts) and on as every other row
 * runs them (`unrefusing`: every check runs, none refuses). Off and on alternate within each
 * round; with several rounds, each side's median round is reported.
 *
 * @example
 * const cost = await runLimitsCost(QUICK, 1, console.error);
 */
export async function runLimitsCost(profile: Profile, rounds: number, log: (line: string) => void): Promise<LimitsCostResult> {
  const fanout: FanoutCost[] = [];
  for (const { mode, roomSize } of FANOUT_CASES) {
    const sides = await alternate(rounds, (limits) => runFanout({ server: "pigeon", mode, roomSize }, profile.fanout, { limits }), (result) => result.deliveriesPerCpuSecond);
    const ratio = sides.on.deliveriesPerCpuSecond / sides.off.deliveriesPerCpuSecond;
    log(`limits cost, fan-out ${mode} ${String(roomSize)}: on/off ${ratio.toFixed(3)} deliveries per CPU-s`);
    fanout.push({ mode, roomSize, ...sides, ratio });
  }
  const maxRate = await alternate(rounds, (limits) => runMaxRate("pigeon", "guest", profile.oneToOne, { limits }), (result) => result.messagesPerSecond);
  const maxRatio = maxRate.on.messagesPerSecond / maxRate.off.messagesPerSecond;
  log(`limits cost, 1:1 max rate: on/off ${maxRatio.toFixed(3)}`);
  const ratePerSecond = Math.round(maxRate.off.messagesPerSecond / 2);
  const latency = await alternate(rounds, (limits) => runOneToOne("pigeon", "guest", ratePerSecond, profile.oneToOne, { limits }), (result) => result.latency.p99Ms);
  const p99Ratio = latency.on.latency.p99Ms / latency.off.latency.p99Ms;
  log(`limits cost, 1:1 p99 at ${String(ratePerSecond)} msg/s: on/off ${p99Ratio.toFixed(3)}`);
  return { rounds, fanout, maxRate: { ...maxRate, ratio: maxRatio }, latency: { ratePerSecond, ...latency, p99Ratio } };
}

/** Runs `measure` with the limits off, then on, `rounds` times; each side's median by `key`. */
async function alternate<T>(rounds: number, measure: (limits: LimitSide) => Promise<T>, key: (result: T) => number): Promise<{ off: T; on: T }> {
  const results: Record<LimitSide, T[]> = { off: [], unrefusing: [] };
  for (let round = 0; round < rounds; round += 1) {
    for (const side of LIMIT_SIDES) results[side].push(await measure(side));
  }
  return { off: median(results.off, key), on: median(results.unrefusing, key) };
}

function median<T>(results: readonly T[], key: (result: T) => number): T {
  const sorted = [...results].sort((a, b) => key(a) - key(b));
  const middle = sorted[Math.floor((sorted.length - 1) / 2)];
  if (middle === undefined) throw new Error("median of nothing");
  return middle;
}

import type { MachineInfo, Versions } from "../machine/info.js";
import type { MlsClientResult } from "../mls/client-result.js";
import type { DrainResult } from "../workloads/drain.js";
import type { FanoutResult } from "../workloads/fanout.js";
import type { IdleMemoryResult } from "../workloads/idle-memory.js";
import type { MaxRateResult, OneToOneResult } from "../workloads/one-to-one.js";
import type { ScaleOutResult } from "../workloads/scale-out.js";
import type { ScalingResult } from "../workloads/scaling.js";
import type { StoreResult } from "../workloads/redis-store.js";
import type { CostsResult } from "../workloads/costs.js";

/** A workload that did not run, and why. */
export interface Skipped {
  readonly skipped: string;
}

/** Everything one run measured: what results/*.json holds and the markdown is made from. */
export interface BenchReport {
  readonly profile: "quick" | "full";
  /** Pigeon ran under `--cpu-prof` (a few per cent slower): not a run for the README. */
  readonly profiled: boolean;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: MachineInfo;
  /** Longest timer stall per core with the machine idle, in ms (see machine/timer-stalls). */
  readonly timerStallsMs: Record<string, number>;
  readonly versions: Versions;
  readonly fanout: readonly FanoutResult[];
  readonly oneToOne?: {
    readonly maxRate: readonly MaxRateResult[];
    /** Half of bare socket.io's maximum rate: where every server's latency is measured. */
    readonly ratePerSecond: number;
    readonly latency: readonly OneToOneResult[];
  };
  readonly idleMemory: readonly IdleMemoryResult[];
  readonly drain: readonly DrainResult[];
  readonly scaleOut: readonly ScaleOutResult[] | Skipped;
  /** The Redis store against the memory store on one node (absent: not selected). */
  readonly store?: StoreResult | Skipped;
  /** One very large room, idle connections at scale (absent: not selected). */
  readonly scaling?: ScalingResult | Skipped;
  /** Unit costs on each store and the check run: what `pnpm capacity` reads (absent: not selected). */
  readonly costs?: CostsResult | Skipped;
  /** MLS client crypto: joins and messages on both providers, with profiles. */
  readonly mlsClient?: MlsClientResult;
  readonly targets: readonly TargetCheck[];
}

/** One of the issue's targets, checked against this run. */
export interface TargetCheck {
  readonly target: string;
  /** What Pigeon measured, against what it is compared with, in words and numbers. */
  readonly measured: string;
  /** Pigeon's figure over the baseline's (or the absolute figure for absolute targets). */
  readonly value: number;
  readonly threshold: number;
  /** "min": value must be at least threshold; "max": at most. */
  readonly direction: "min" | "max";
  /** What `value` is: a ratio within the run, or an absolute time. */
  readonly unit: "ratio" | "seconds";
  readonly met: boolean;
}

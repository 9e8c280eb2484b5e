import type { FanoutSettings, Mode } from "./workloads/fanout.js";
import type { DrainSettings } from "./workloads/drain.js";
import type { IdleMemorySettings } from "./workloads/idle-memory.js";
import type { OneToOneSettings } from "./workloads/one-to-one.js";
import type { ScaleOutSettings } from "./workloads/scale-out.js";

/** Everything one run does, and how hard. */
export interface Profile {
  readonly name: "quick" | "full";
  readonly fanout: FanoutSettings & {
    readonly roomSizes: readonly number[];
    /** Room sizes measured with keyed members (Pigeon only; baselines have no keyed mode). */
    readonly keyedRoomSizes: readonly number[];
    /** Rounds over every case, servers interleaved; the median round is reported. */
    readonly rounds: number;
  };
  readonly oneToOne: OneToOneSettings & { readonly modes: readonly Mode[] };
  readonly idleMemory: IdleMemorySettings & {
    /** Rounds over the three servers; the median round (by RSS per connection) is reported. */
    readonly rounds: number;
  };
  readonly drain: readonly DrainSettings[];
  readonly scaleOut: Omit<ScaleOutSettings, "redisUrl">;
}

// The same offered load for every server: 50,000 deliveries per second keeps each server
// below saturation on one core and the single client core comfortably ahead of it.
const DELIVERIES_PER_SECOND = 50_000;

const DRAIN: readonly DrainSettings[] = [
  { members: 1, heldPerMember: 10_000 },
  { members: 500, heldPerMember: 100 },
];

/** `pnpm bench`: every workload once, short windows; about two and a half minutes. */
export const QUICK: Profile = {
  name: "quick",
  fanout: {
    roomSizes: [10, 100, 1000],
    keyedRoomSizes: [10, 100],
    rounds: 1,
    connections: 1000,
    deliveriesPerSecond: () => DELIVERIES_PER_SECOND,
    warmupMs: 1_000,
    measureMs: 3_000,
    probes: 2,
    sendersPerRoom: 1,
  },
  oneToOne: {
    modes: ["guest"],
    pairs: 100,
    probePairs: 4,
    probeShare: 0.1,
    warmupMs: 1_000,
    measureMs: 4_000,
    // Enough in flight that the server, not the round trip, is the limit (Pigeon queues up to
    // 256 events per connection).
    inFlightPerSender: 32,
  },
  idleMemory: { connections: 10_000, roomSize: 10, concurrency: 200, settleMs: 1_000, rounds: 1 },
  drain: DRAIN,
  scaleOut: { nodeCounts: [1, 3], rooms: 10, roomSize: 100, inFlightPerSender: 32, warmupMs: 1_000, measureMs: 2_000 },
};

/** `pnpm bench --full`: keyed rooms of 1,000 too, longer windows, three rounds; about ten minutes. */
export const FULL: Profile = {
  name: "full",
  fanout: {
    ...QUICK.fanout,
    keyedRoomSizes: [10, 100, 1000],
    rounds: 3,
    warmupMs: 2_000,
    measureMs: 6_000,
  },
  oneToOne: { ...QUICK.oneToOne, modes: ["guest", "keyed"], pairs: 200, warmupMs: 2_000, measureMs: 15_000 },
  idleMemory: { ...QUICK.idleMemory, rounds: 3 },
  drain: DRAIN,
  scaleOut: { ...QUICK.scaleOut, warmupMs: 2_000, measureMs: 5_000 },
};

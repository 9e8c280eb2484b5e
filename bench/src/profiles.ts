import type { MlsClientSettings } from "./mls/client-result.js";
import type { FanoutSettings, Mode } from "./workloads/fanout.js";
import type { DrainSettings } from "./workloads/drain.js";
import type { IdleMemorySettings } from "./workloads/idle-memory.js";
import type { OneToOneSettings } from "./workloads/one-to-one.js";
import type { ScaleOutSettings } from "./workloads/scale-out.js";
import type { ScalingSettings } from "./workloads/scaling.js";
import type { StoreSettings } from "./workloads/redis-store.js";
import type { CostsSettings } from "./workloads/costs.js";

/** Everything one run does, and how hard. */
export interface Profile {
  readonly name: "quick" | "full";
  readonly fanout: FanoutSettings & {
    readonly roomSizes: readonly number[];
    /** Room sizes measured with keyed members (Pigeon only; baselines have no keyed mode). */
    readonly keyedRoomSizes: readonly number[];
    /** Room sizes measured as encrypted rooms (Pigeon only), beside the keyed ones. */
    readonly encryptedRoomSizes: readonly number[];
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
  /** The Redis store against the memory store on one node (keyed fan-out at these sizes, keyed 1:1). */
  readonly store: Pick<StoreSettings, "roomSizes">;
  /** One very large room and idle connections by the tens of thousands: full profile only. */
  readonly scaling?: ScalingSettings;
  readonly mls: Omit<MlsClientSettings, "profileDir">;
  /** Unit costs for the capacity calculator, and its check run. */
  readonly costs: CostsSettings;
}

// The same offered load for every server: 50,000 deliveries per second keeps each server
// below saturation on one core and the single client core comfortably ahead of it.
const DELIVERIES_PER_SECOND = 50_000;

const DRAIN: readonly DrainSettings[] = [
  { members: 1, heldPerMember: 10_000 },
  { members: 500, heldPerMember: 100 },
];

// A room of 100 for messages (the issue's), 10,000 held for the returning member; 2,000
// encrypted for the rate. Joins at 1,000 only in the full profile: growing a room to 1,000 by
// external joins takes about six minutes.
const MLS: Profile["mls"] = {
  joinSizes: [10, 100],
  joinRepetitions: 5,
  messageRoomSize: 100,
  encryptMessages: 2_000,
  heldMessages: 10_000,
  profileJoinSize: 100,
  profileJoinRepetitions: 5,
  profileDecryptMessages: 2_000,
};

/** `pnpm bench`: every workload once (the scaling rows are skipped), short windows; about five minutes. */
export const QUICK: Profile = {
  name: "quick",
  fanout: {
    roomSizes: [10, 100, 1000],
    keyedRoomSizes: [10, 100],
    encryptedRoomSizes: [10, 100],
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
  store: { roomSizes: [10, 100] },
  costs: {
    connections: 500,
    roomSize: 10,
    pairSize: 2,
    pairConnections: 200,
    largeRoomSize: 50,
    largeConnections: 500,
    messagesPerSecond: 1_000,
    largeMessagesPerSecond: 200,
    measureMs: 2_000,
    rounds: 1,
    acksPerMember: 10,
    bigTextLength: 2_000,
    bigMessages: 1_000,
    settleMs: 500,
    idleMs: 3_000,
    check: { nodes: 3, rooms: 10, roomSize: 100, inFlightPerSender: 32, messagesPerSecond: [200, 50], warmupMs: 1_000, measureMs: 2_000, settleMs: 500 },
  },
  mls: MLS,
};

/**
 * `pnpm bench --full`: keyed rooms of 1,000 too, longer windows, three rounds, and the scaling
 * rows (a room of 10,000, idle connections asked for at 50,000); about 45 minutes.
 */
export const FULL: Profile = {
  name: "full",
  fanout: {
    ...QUICK.fanout,
    keyedRoomSizes: [10, 100, 1000],
    encryptedRoomSizes: [10, 100, 1000],
    rounds: 3,
    warmupMs: 2_000,
    measureMs: 6_000,
  },
  oneToOne: { ...QUICK.oneToOne, modes: ["guest", "keyed"], pairs: 200, warmupMs: 2_000, measureMs: 15_000 },
  idleMemory: { ...QUICK.idleMemory, rounds: 3 },
  drain: DRAIN,
  scaleOut: { ...QUICK.scaleOut, warmupMs: 2_000, measureMs: 5_000 },
  store: { roomSizes: [10, 100] },
  costs: {
    ...QUICK.costs,
    connections: 1_000,
    rounds: 3,
    acksPerMember: 20,
    bigMessages: 2_000,
    check: { ...QUICK.costs.check, warmupMs: 2_000, measureMs: 5_000 },
  },
  scaling: {
    // Same offered deliveries as every fan-out row: 5 messages a second into the room.
    bigRoom: {
      ...QUICK.fanout,
      connections: 10_000,
      warmupMs: 2_000,
      measureMs: 6_000,
      cases: [
        { server: "pigeon", mode: "guest" },
        { server: "socketio", mode: "guest" },
        { server: "pigeon", mode: "keyed" },
      ],
    },
    idle: {
      connections: 50_000,
      roomSize: 10,
      concurrency: 200,
      settleMs: 1_000,
      // Well below the ~28k ephemeral ports of each loopback source address: a bound socket
      // needs a port nothing else on that address holds (20,000 from one address failed at
      // 18,657 with EADDRINUSE while another run shared the machine).
      connectionsPerSourceAddress: 10_000,
      servers: ["pigeon", "socketio"],
    },
  },
  mls: { ...MLS, joinSizes: [10, 100, 1000] },
};

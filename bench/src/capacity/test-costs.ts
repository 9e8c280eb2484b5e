// Round unit costs for the calculator's tests: every figure can be worked out by hand.
import type { CostsFile, StoreCosts, UnitCost } from "./costs-file.js";

const unit = (relayCpuMicros: number, redis?: { cpuMicros: number; netInputBytes: number; netOutputBytes: number }): UnitCost => ({
  relayCpuMicros,
  ...(redis ? { redis: { calls: 1, ...redis } } : {}),
});

const MIB = 1024 * 1024;

export const MEMORY_COSTS: StoreCosts = {
  store: "memory",
  units: {
    connect: unit(100),
    keyedLogin: unit(200),
    guestLogin: unit(50),
    keyedJoin: unit(100),
    guestJoin: unit(50),
    keyedMessage: unit(100),
    keyedDelivery: unit(10),
    guestMessage: unit(50),
    guestDelivery: unit(5),
    ack: unit(20),
    idleConnectionSecond: unit(4),
  },
  memory: {
    nodeBaseRssBytes: 100 * MIB,
    keyedConnection: { relayBytes: 10_000 },
    keyedMembership: { relayBytes: 1_000 },
    guest: { relayBytes: 5_000 },
    held: { overheadBytes: { relayBytes: 500 }, perTextByte: { relayBytes: 2 } },
  },
  deliveryFrameBytes: { keyed: 200, guest: 100 },
  incomplete: [],
};

const none = { cpuMicros: 0, netInputBytes: 0, netOutputBytes: 0 };

export const REDIS_COSTS: StoreCosts = {
  store: "redis",
  units: {
    connect: unit(100, none),
    keyedLogin: unit(200, { cpuMicros: 50, netInputBytes: 1_000, netOutputBytes: 100 }),
    guestLogin: unit(50, none),
    keyedJoin: unit(100, none),
    guestJoin: unit(50, none),
    keyedMessage: unit(200, { cpuMicros: 100, netInputBytes: 1_000, netOutputBytes: 500 }),
    keyedDelivery: unit(10, none),
    guestMessage: unit(50, none),
    guestDelivery: unit(5, none),
    ack: unit(20, { cpuMicros: 10, netInputBytes: 100, netOutputBytes: 10 }),
    idleConnectionSecond: unit(0),
    idleNodeSecond: unit(0, { cpuMicros: 1_000, netInputBytes: 0, netOutputBytes: 0 }),
    extraNodePerMessage: unit(50, { cpuMicros: 10, netInputBytes: 0, netOutputBytes: 400 }),
  },
  memory: {
    nodeBaseRssBytes: 100 * MIB,
    keyedConnection: { relayBytes: 10_000, redisBytes: 1_000 },
    keyedMembership: { relayBytes: 1_000, redisBytes: 500 },
    guest: { relayBytes: 5_000, redisBytes: 200 },
    held: { overheadBytes: { relayBytes: 0, redisBytes: 300 }, perTextByte: { relayBytes: 0, redisBytes: 1 } },
  },
  deliveryFrameBytes: { keyed: 200, guest: 100 },
  incomplete: [],
};

export const COSTS = { memory: () => MEMORY_COSTS, redis: () => REDIS_COSTS };

export function costsFile(startedAt: string): CostsFile {
  return { profile: "test", startedAt, costs: { textLength: 64, redis: "private", stores: [MEMORY_COSTS, REDIS_COSTS] } };
}

import type { RedisDelta } from "../measure/redis-stats.js";
import type { MemoryReading, Reading } from "./costs-rig.js";

/** What one unit (a login, a message, a delivery...) costs Redis, on average. */
export interface RedisUnitCost {
  /** Commands Redis ran, those inside Lua scripts included (commandstats counts both). */
  readonly calls: number;
  readonly commands: Readonly<Record<string, number>>;
  readonly netInputBytes: number;
  readonly netOutputBytes: number;
  readonly cpuMicros: number;
}

/** What one unit costs the relay (every node together) and, on Redis, Redis. */
export interface UnitCost {
  readonly relayCpuMicros: number;
  readonly redis?: RedisUnitCost;
  /** Lowest and highest relay CPU per unit over the rounds, when there were several. */
  readonly relayCpuMicrosRange?: readonly [number, number];
}

/** Memory per unit (bytes), in the relay and in Redis. */
export interface MemoryUnit {
  readonly relayBytes: number;
  readonly redisBytes?: number;
}

/** A held message's memory: a fixed part plus a part per byte of its text. */
export interface HeldMemory {
  readonly overheadBytes: MemoryUnit;
  readonly perTextByte: MemoryUnit;
  /** What it was measured from: messages held of each text length. */
  readonly measuredAt: readonly { readonly textLength: number; readonly messages: number; readonly perMessage: MemoryUnit }[];
}

/**
 * Spreads a measured step over the units it did: `reading` divided by `count`.
 *
 * @example
 * perUnit({ relayCpuSeconds: 0.5, wallSeconds: 2 }, 1000).relayCpuMicros // 500
 */
export function perUnit(reading: Reading, count: number): UnitCost {
  if (count <= 0) throw new RangeError("perUnit: no units");
  return {
    relayCpuMicros: (reading.relayCpuSeconds * 1e6) / count,
    ...(reading.redis ? { redis: redisPerUnit(reading.redis, count) } : {}),
  };
}

function redisPerUnit(delta: RedisDelta, count: number): RedisUnitCost {
  const commands: Record<string, number> = {};
  for (const [name, calls] of Object.entries(delta.commands)) commands[name] = calls / count;
  return {
    calls: delta.calls / count,
    commands,
    netInputBytes: delta.netInputBytes / count,
    netOutputBytes: delta.netOutputBytes / count,
    cpuMicros: (delta.cpuSeconds * 1e6) / count,
  };
}

/** a·x + b·y, field by field (commands by name). */
export function combine(x: UnitCost, a: number, y: UnitCost, b: number): UnitCost {
  const redis = x.redis && y.redis ? combineRedis(x.redis, a, y.redis, b) : undefined;
  return { relayCpuMicros: a * x.relayCpuMicros + b * y.relayCpuMicros, ...(redis ? { redis } : {}) };
}

function combineRedis(x: RedisUnitCost, a: number, y: RedisUnitCost, b: number): RedisUnitCost {
  const commands: Record<string, number> = {};
  for (const name of new Set([...Object.keys(x.commands), ...Object.keys(y.commands)])) {
    const value = a * (x.commands[name] ?? 0) + b * (y.commands[name] ?? 0);
    if (Math.abs(value) > 1e-9) commands[name] = value;
  }
  return {
    calls: a * x.calls + b * y.calls,
    commands,
    netInputBytes: a * x.netInputBytes + b * y.netInputBytes,
    netOutputBytes: a * x.netOutputBytes + b * y.netOutputBytes,
    cpuMicros: a * x.cpuMicros + b * y.cpuMicros,
  };
}

/** The same kind of message measured in rooms of two sizes: cost per message sent. */
export interface SizedMessageCost {
  readonly roomSize: number;
  readonly perMessage: UnitCost;
}

/**
 * Splits what a message costs into a part per accepted message and a part per delivery, from
 * two room sizes: c(k) = message + k · delivery, so delivery = (c(K) − c(k)) / (K − k) and
 * message = c(k) − k · delivery.
 *
 * @example
 * const { message, delivery } = splitMessageCost({ roomSize: 2, perMessage: c2 }, { roomSize: 10, perMessage: c10 });
 */
export function splitMessageCost(small: SizedMessageCost, large: SizedMessageCost): { message: UnitCost; delivery: UnitCost } {
  const span = large.roomSize - small.roomSize;
  if (span <= 0) throw new RangeError("splitMessageCost: the second room size must be the larger");
  const delivery = combine(large.perMessage, 1 / span, small.perMessage, -1 / span);
  const message = combine(small.perMessage, large.roomSize / span, large.perMessage, -small.roomSize / span);
  if (!small.perMessage.redis || !large.perMessage.redis || !delivery.redis || Math.abs(delivery.redis.calls) >= NO_CALLS) return { message, delivery };
  // Redis runs no command per delivery (a broadcast is one SPUBLISH whatever the room's size), so
  // its share of a message is per message: the mean of both sizes, where a difference would
  // multiply Redis's noise by the room size.
  const pooled = combine(small.perMessage, 0.5, large.perMessage, 0.5).redis;
  const zero: RedisUnitCost = { calls: 0, commands: {}, netInputBytes: 0, netOutputBytes: 0, cpuMicros: 0 };
  return { message: { ...message, ...(pooled ? { redis: pooled } : {}) }, delivery: { ...delivery, redis: zero } };
}

// Fewer Redis calls per delivery than this means none: a delivery does not touch Redis.
const NO_CALLS = 0.01;

/**
 * Adds readings (the rounds of one step) into one.
 *
 * @example
 * const total = sumReadings(rounds);
 */
export function sumReadings(readings: readonly Reading[]): Reading {
  const redis = readings.every((reading) => reading.redis) ? readings.map((reading) => reading.redis as RedisDelta) : undefined;
  return {
    relayCpuSeconds: readings.reduce((sum, reading) => sum + reading.relayCpuSeconds, 0),
    wallSeconds: readings.reduce((sum, reading) => sum + reading.wallSeconds, 0),
    ...(redis && redis.length > 0 ? { redis: sumRedis(redis) } : {}),
  };
}

function sumRedis(deltas: readonly RedisDelta[]): RedisDelta {
  const commands: Record<string, number> = {};
  for (const delta of deltas) for (const [name, calls] of Object.entries(delta.commands)) commands[name] = (commands[name] ?? 0) + calls;
  const total = (key: "calls" | "commandMicros" | "netInputBytes" | "netOutputBytes" | "cpuSeconds" | "usedMemoryBytes") =>
    deltas.reduce((sum, delta) => sum + delta[key], 0);
  return {
    commands,
    calls: total("calls"),
    commandMicros: total("commandMicros"),
    netInputBytes: total("netInputBytes"),
    netOutputBytes: total("netOutputBytes"),
    cpuSeconds: total("cpuSeconds"),
    usedMemoryBytes: total("usedMemoryBytes"),
  };
}

/**
 * Memory per unit between two readings: the relay's RSS (what the machine must have), or its V8
 * heap used (for what lives in the heap and is small beside RSS's page-level noise: held messages).
 *
 * @example
 * memoryPerUnit(before, after, 1000) // { relayBytes: 9000, redisBytes: 300 }
 */
export function memoryPerUnit(before: MemoryReading, after: MemoryReading, count: number, relay: "rss" | "heap" = "rss"): MemoryUnit {
  if (count <= 0) throw new RangeError("memoryPerUnit: no units");
  const redisBytes =
    before.redisUsedBytes === undefined || after.redisUsedBytes === undefined ? undefined : (after.redisUsedBytes - before.redisUsedBytes) / count;
  const relayBytes = relay === "rss" ? after.relayRssBytes - before.relayRssBytes : after.relayHeapBytes - before.relayHeapBytes;
  return { relayBytes: relayBytes / count, ...(redisBytes === undefined ? {} : { redisBytes }) };
}

/**
 * A held message's memory as overhead + bytes × per-byte, from messages held at two text
 * lengths.
 *
 * @example
 * heldMemory({ textLength: 64, messages: 1000, perMessage: small }, { textLength: 2000, messages: 500, perMessage: big });
 */
export function heldMemory(
  small: HeldMemory["measuredAt"][number],
  big: HeldMemory["measuredAt"][number],
): HeldMemory {
  const span = big.textLength - small.textLength;
  if (span <= 0) throw new RangeError("heldMemory: the second text must be the longer");
  const slope = (pick: (unit: MemoryUnit) => number | undefined) => {
    const [x, y] = [pick(small.perMessage), pick(big.perMessage)];
    return x === undefined || y === undefined ? undefined : (y - x) / span;
  };
  const relaySlope = slope((unit) => unit.relayBytes) ?? 0;
  const redisSlope = slope((unit) => unit.redisBytes);
  const overhead = (value: number | undefined, perByte: number | undefined) =>
    value === undefined || perByte === undefined ? undefined : value - small.textLength * perByte;
  const redisOverhead = overhead(small.perMessage.redisBytes, redisSlope);
  return {
    overheadBytes: {
      relayBytes: small.perMessage.relayBytes - small.textLength * relaySlope,
      ...(redisOverhead === undefined ? {} : { redisBytes: redisOverhead }),
    },
    perTextByte: { relayBytes: relaySlope, ...(redisSlope === undefined ? {} : { redisBytes: redisSlope }) },
    measuredAt: [small, big],
  };
}

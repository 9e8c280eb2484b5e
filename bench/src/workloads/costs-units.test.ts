import { describe, expect, it } from "vitest";
import type { RedisDelta } from "../measure/redis-stats.js";
import { heldMemory, memoryPerUnit, perUnit, splitMessageCost } from "./costs-units.js";

const redis = (calls: number, cpuSeconds: number, netOutputBytes = 0): RedisDelta => ({
  commands: { evalsha: calls },
  calls,
  commandMicros: 0,
  netInputBytes: 0,
  netOutputBytes,
  cpuSeconds,
  usedMemoryBytes: 0,
});

describe("splitMessageCost", () => {
  it("solves c(k) = message + k × delivery from two room sizes", () => {
    // 100 µs per message and 10 µs per delivery: rooms of 2 cost 120 µs, rooms of 50 cost 600 µs.
    const { message, delivery } = splitMessageCost(
      { roomSize: 2, perMessage: perUnit({ relayCpuSeconds: 0.12, wallSeconds: 1 }, 1000) },
      { roomSize: 50, perMessage: perUnit({ relayCpuSeconds: 0.6, wallSeconds: 1 }, 1000) },
    );
    expect(message.relayCpuMicros).toBeCloseTo(100, 9);
    expect(delivery.relayCpuMicros).toBeCloseTo(10, 9);
  });

  it("puts Redis's work on the message when Redis ran no command per delivery", () => {
    const { message, delivery } = splitMessageCost(
      { roomSize: 2, perMessage: perUnit({ relayCpuSeconds: 0.12, wallSeconds: 1, redis: redis(3000, 0.1) }, 1000) },
      { roomSize: 50, perMessage: perUnit({ relayCpuSeconds: 0.6, wallSeconds: 1, redis: redis(3000, 0.12) }, 1000) },
    );
    expect(delivery.redis).toMatchObject({ calls: 0, cpuMicros: 0 });
    expect(message.redis?.calls).toBeCloseTo(3, 9);
    expect(message.redis?.cpuMicros).toBeCloseTo(110, 9);
  });
});

describe("heldMemory", () => {
  it("splits a held message into a fixed part and a part per text byte", () => {
    const reading = (heap: number, redisUsed: number) => ({ relayRssBytes: 0, relayHeapBytes: heap, redisUsedBytes: redisUsed });
    // Relay 300 + 2 per character, Redis 64 + 1: 64 characters 428 and 128 B, 2,000 characters 4,300 and 2,064 B.
    const small = memoryPerUnit(reading(0, 0), reading(428_000, 128_000), 1000, "heap");
    const big = memoryPerUnit(reading(0, 0), reading(2_150_000, 1_032_000), 500, "heap");
    const held = heldMemory({ textLength: 64, messages: 1000, perMessage: small }, { textLength: 2000, messages: 500, perMessage: big });
    expect(held.perTextByte.relayBytes).toBeCloseTo(2, 9);
    expect(held.overheadBytes.relayBytes).toBeCloseTo(300, 9);
    expect(held.perTextByte.redisBytes).toBeCloseTo(1, 9);
    expect(held.overheadBytes.redisBytes).toBeCloseTo(64, 9);
  });
});

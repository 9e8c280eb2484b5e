import { describe, expect, it } from "vitest";
import { fanoutResult, latencyResult, maxRateResult, memoryResult, mlsClientResult, storeResult } from "./test-fixtures.js";
import { checkTargets } from "./targets.js";

describe("checkTargets", () => {
  it("holds fan-out to 0.9x bare socket.io at size 10, 1.0x above, and 0.5x raw ws", () => {
    const checks = checkTargets({
      fanout: [
        fanoutResult("pigeon", "guest", 10, 91),
        fanoutResult("socketio", "guest", 10, 100),
        fanoutResult("rawws", "guest", 10, 200),
        fanoutResult("pigeon", "guest", 100, 99),
        fanoutResult("socketio", "guest", 100, 100),
        fanoutResult("rawws", "guest", 100, 150),
      ],
      latency: [],
      idleMemory: [],
      drain: [],
    });
    expect(checks.map((check) => [check.target, check.met])).toEqual([
      ["fan-out 10, guests: ≥ 0.9x bare socket.io", true],
      ["fan-out 10, guests: ≥ 0.5x raw ws", false],
      ["fan-out 100, guests: ≥ 1.0x bare socket.io", false],
      ["fan-out 100, guests: ≥ 0.5x raw ws", true],
    ]);
    expect(checks[0]?.value).toBeCloseTo(0.91);
  });

  it("compares keyed Pigeon with the guest baselines", () => {
    const checks = checkTargets({
      fanout: [fanoutResult("pigeon", "keyed", 100, 80), fanoutResult("socketio", "guest", 100, 100)],
      latency: [],
      idleMemory: [],
      drain: [],
    });
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ target: "fan-out 100, keyed members: ≥ 1.0x bare socket.io", met: false });
  });

  it("holds keyed members in rooms of 10 to 0.95x bare socket.io (issue 15), guests to 0.9x", () => {
    const checks = checkTargets({
      fanout: [fanoutResult("pigeon", "guest", 10, 93), fanoutResult("pigeon", "keyed", 10, 93), fanoutResult("socketio", "guest", 10, 100)],
      latency: [],
      idleMemory: [],
      drain: [],
    });
    expect(checks.map((check) => [check.target, check.met])).toEqual([
      ["fan-out 10, guests: ≥ 0.9x bare socket.io", true],
      ["fan-out 10, keyed members: ≥ 0.95x bare socket.io", false],
    ]);
  });

  it("checks 1:1 p99, idle memory and the drain as upper bounds", () => {
    const checks = checkTargets({
      fanout: [],
      latency: [latencyResult("pigeon", 5), latencyResult("socketio", 4)],
      idleMemory: [memoryResult("pigeon", 8_000), memoryResult("socketio", 12_000)],
      drain: [{ members: 1, heldPerMember: 10_000, seconds: 1.5, delivered: 10_000, serverCpuSeconds: 1, otherFrames: 0, otherBytes: 0, complete: true }],
    });
    expect(checks.map((check) => check.met)).toEqual([true, true, true, false]);
    expect(checks.map((check) => check.direction)).toEqual(["max", "max", "max", "max"]);
  });

  it("checks idle memory's RSS and heap each against 0.8x bare socket.io", () => {
    const pigeon = { ...memoryResult("pigeon", 8_000), heapPerConnectionBytes: 9_000 };
    const checks = checkTargets({ fanout: [], latency: [], idleMemory: [pigeon, memoryResult("socketio", 12_000)], drain: [] });
    expect(checks.map((check) => [check.target, check.met])).toEqual([
      ["idle memory per connection, RSS: ≤ 0.8x bare socket.io", true],
      ["idle memory per connection, V8 heap: ≤ 0.8x bare socket.io", false],
    ]);
    expect(checks[1]?.value).toBeCloseTo(1.5);
  });

  it("fails an incomplete drain whatever its time", () => {
    const [check] = checkTargets({
      fanout: [],
      latency: [],
      idleMemory: [],
      drain: [{ members: 1, heldPerMember: 10_000, seconds: 0.1, delivered: 10, serverCpuSeconds: 1, otherFrames: 0, otherBytes: 0, complete: false }],
    });
    expect(check?.met).toBe(false);
  });
});

describe("checkTargets for encrypted rooms", () => {
  it("holds encrypted fan-out to 0.9x plain keyed rooms of the same size", () => {
    const checks = checkTargets({
      fanout: [
        fanoutResult("pigeon", "keyed", 10, 100),
        fanoutResult("pigeon", "encrypted", 10, 91),
        fanoutResult("pigeon", "keyed", 100, 100),
        fanoutResult("pigeon", "encrypted", 100, 85),
      ],
      latency: [],
      idleMemory: [],
      drain: [],
    });
    const encrypted = checks.filter((check) => check.target.includes("encrypted"));
    expect(encrypted.map((check) => [check.target, check.met])).toEqual([
      ["fan-out 10, encrypted rooms: ≥ 0.9x plain keyed rooms", true],
      ["fan-out 100, encrypted rooms: ≥ 0.9x plain keyed rooms", false],
    ]);
    expect(encrypted[1]?.value).toBeCloseTo(0.85);
  });

  it("checks the MLS client's held-message drain and join at 100 as times, per provider", () => {
    const checks = checkTargets({ fanout: [], latency: [], idleMemory: [], drain: [], mlsClient: mlsClientResult(1.2, 600) });
    expect(checks.map((check) => [check.target, check.unit, check.met])).toEqual([
      ["MLS, default (WebCrypto, browsers): 10,000 held messages decrypted in < 5 s", "seconds", false],
      ["MLS, node:crypto (CLI, Node SDK): 10,000 held messages decrypted in < 5 s", "seconds", true],
      ["MLS, default (WebCrypto, browsers): a newcomer joins a room of 100 in < 1 s", "seconds", false],
      ["MLS, node:crypto (CLI, Node SDK): a newcomer joins a room of 100 in < 1 s", "seconds", true],
    ]);
    expect(checks[3]?.value).toBeCloseTo(0.6);
  });
});

describe("checkTargets for the keyed 1:1 maximum rate and the Redis store", () => {
  const none = { fanout: [], latency: [], idleMemory: [], drain: [] };

  it("holds keyed Pigeon's maximum 1:1 rate to 0.9x bare socket.io's guests", () => {
    const rates = (keyed: number) => [maxRateResult("pigeon", "guest", 40_000), maxRateResult("pigeon", "keyed", keyed), maxRateResult("socketio", "guest", 35_000)];
    const [met] = checkTargets({ ...none, maxRate: rates(31_500) });
    const [missed] = checkTargets({ ...none, maxRate: rates(31_000) });
    expect(met).toMatchObject({ target: "keyed 1:1 maximum rate: ≥ 0.9x bare socket.io's", met: true, direction: "min" });
    expect(met?.value).toBeCloseTo(0.9);
    expect(missed?.met).toBe(false);
  });

  it("leaves the maximum-rate target out without a keyed or a bare rate", () => {
    expect(checkTargets({ ...none, maxRate: [maxRateResult("pigeon", "guest", 40_000), maxRateResult("socketio", "guest", 35_000)] })).toEqual([]);
    expect(checkTargets({ ...none, maxRate: [maxRateResult("pigeon", "keyed", 40_000)] })).toEqual([]);
  });

  it("holds one node on Redis to 0.7x the memory store, per fan-out size and for 1:1, counting Redis's CPU", () => {
    const checks = checkTargets({ ...none, store: storeResult(0.69) });
    expect(checks.map((check) => [check.target, check.met])).toEqual([
      ["one node on Redis, keyed fan-out 10: ≥ 0.7x the memory store's deliveries per CPU-s (relay + Redis)", false],
      ["one node on Redis, keyed 1:1 maximum rate: ≥ 0.7x the memory store's deliveries per CPU-s (relay + Redis)", false],
    ]);
    expect(checks[0]?.value).toBeCloseTo(0.69);
    expect(checkTargets({ ...none, store: storeResult(0.7) }).every((check) => check.met)).toBe(true);
  });

  it("says where Redis's own CPU caps the ratio below the target, and not where it does not", () => {
    // Fan-out: 0.2 CPU-s in Redis for 1,000 deliveries (200 µs each) against 20 µs per delivery on
    // the memory store: 20 / 220. 1:1: 0.4 CPU-s for 192,000 deliveries, a ceiling of 0.89x.
    const [fanout, oneToOne] = checkTargets({ ...none, store: storeResult(0.69) });
    expect(fanout?.measured).toContain("Redis's own CPU alone caps it at 0.09x");
    expect(oneToOne?.measured).not.toContain("caps it");
  });
});

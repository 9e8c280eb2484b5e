import { describe, expect, it } from "vitest";
import { fanoutResult, latencyResult, memoryResult, mlsClientResult } from "./test-fixtures.js";
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

  it("checks 1:1 p99, idle memory and the drain as upper bounds", () => {
    const checks = checkTargets({
      fanout: [],
      latency: [latencyResult("pigeon", 5), latencyResult("socketio", 4)],
      idleMemory: [memoryResult("pigeon", 8_000), memoryResult("socketio", 12_000)],
      drain: [{ members: 1, heldPerMember: 10_000, seconds: 1.5, delivered: 10_000, serverCpuSeconds: 1, otherFrames: 0, otherBytes: 0, complete: true }],
    });
    expect(checks.map((check) => check.met)).toEqual([true, true, false]);
    expect(checks.map((check) => check.direction)).toEqual(["max", "max", "max"]);
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

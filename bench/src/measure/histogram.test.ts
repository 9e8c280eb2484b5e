import { describe, expect, it } from "vitest";
import { LatencyHistogram } from "./histogram.js";

describe("LatencyHistogram", () => {
  it("gives percentiles in milliseconds from microseconds", () => {
    const histogram = new LatencyHistogram();
    for (let micros = 1; micros <= 1000; micros += 1) histogram.recordMicros(micros * 1000);
    const summary = histogram.summary();
    expect(summary.count).toBe(1000);
    expect(summary.p50Ms).toBeCloseTo(500, -1);
    expect(summary.p99Ms).toBeCloseTo(990, -1);
    expect(summary.maxMs).toBeCloseTo(1000, -1);
  });

  it("adds another histogram and clamps what it cannot hold", () => {
    const one = new LatencyHistogram();
    const other = new LatencyHistogram();
    one.recordMicros(-5);
    other.recordMicros(1e12);
    one.add(other);
    expect(one.count).toBe(2);
    expect(one.summary().maxMs).toBeCloseTo(60_000, -2);
  });
});

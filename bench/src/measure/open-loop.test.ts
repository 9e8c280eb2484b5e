import { describe, expect, it } from "vitest";
import { runOpenLoop, sendsFor } from "./open-loop.js";

describe("runOpenLoop", () => {
  it("sends exactly count messages, each with a schedule fixed in advance", async () => {
    const scheduled: number[] = [];
    const report = await runOpenLoop({ ratePerSecond: 2000, count: 50, send: (_index, at) => scheduled.push(at) });
    expect(report.sent).toBe(50);
    expect(scheduled).toHaveLength(50);
    const gaps = scheduled.slice(1).map((at, index) => at - (scheduled[index] ?? 0));
    // 2,000 per second: due 500 µs apart whenever they were actually sent.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(499);
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(501);
  });
});

describe("sendsFor", () => {
  it("counts the sends due in a window, and never fewer than one", () => {
    expect(sendsFor(1_000, 2_500)).toBe(2_500);
    expect(sendsFor(300, 400)).toBe(120);
    expect(sendsFor(10, 1)).toBe(1);
  });
});

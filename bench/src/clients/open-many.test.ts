import { describe, expect, it } from "vitest";
import { openMany, openUpTo } from "./open-many.js";

const failingAt = (bad: number) => (index: number) =>
  index === bad ? Promise.reject(new Error(`no room for ${String(index)}`)) : Promise.resolve(index);

describe("openUpTo", () => {
  it("keeps what opened before the first failure and says what failed", async () => {
    const report = await openUpTo(10, 1, failingAt(4));
    expect(report.clients).toEqual([0, 1, 2, 3]);
    expect(report.failure).toBe("no room for 4");
  });

  it("opens all of them when none fails", async () => {
    const report = await openUpTo(5, 2, failingAt(-1));
    expect(report.clients).toEqual([0, 1, 2, 3, 4]);
    expect(report.failure).toBeUndefined();
  });
});

describe("openMany", () => {
  it("closes what it opened and rejects on the first failure", async () => {
    const closed: number[] = [];
    await expect(openMany(10, 1, failingAt(3), (client) => closed.push(client))).rejects.toThrow("no room for 3");
    expect(closed).toEqual([0, 1, 2]);
  });
});

import { describe, expect, it } from "vitest";
import { RecentIds } from "./recent-ids.js";

describe("RecentIds", () => {
  it("recognises an id seen within the window", () => {
    const seen = new RecentIds(3);
    expect(seen.add("a")).toBe(true);
    expect(seen.add("a")).toBe(false);
  });

  it("forgets the oldest id once past capacity, and never grows beyond it", () => {
    const seen = new RecentIds(2);
    seen.add("a");
    seen.add("b");
    seen.add("c");
    expect(seen.size).toBe(2);
    expect(seen.add("b")).toBe(false);
    expect(seen.add("a")).toBe(true);
  });

  it("refuses a capacity that is not a positive integer", () => {
    expect(() => new RecentIds(0)).toThrow(RangeError);
  });
});

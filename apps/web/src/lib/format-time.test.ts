import { describe, expect, it } from "vitest";
import { formatDay } from "./format-time.js";

describe("formatDay", () => {
  // Local times, so that the days are the runner's days whatever its time zone.
  const now = new Date(2026, 11, 6, 0, 30).getTime();

  it("says Today and Yesterday by calendar day, not by 24 hours", () => {
    expect(formatDay(new Date(2026, 11, 6, 0, 1).getTime(), now, "en-GB")).toBe("Today");
    expect(formatDay(new Date(2026, 11, 5, 23, 59).getTime(), now, "en-GB")).toBe("Yesterday");
    expect(formatDay(new Date(2026, 11, 5, 0, 0).getTime(), now, "en-GB")).toBe("Yesterday");
    // Across a month's end too.
    expect(formatDay(new Date(2026, 10, 30, 12).getTime(), new Date(2026, 11, 1, 8).getTime(), "en-GB")).toBe("Yesterday");
  });

  it("gives the date before that, with the year when it is another one", () => {
    expect(formatDay(new Date(2026, 11, 4, 9).getTime(), now, "en-GB")).toBe("Friday 4 December");
    expect(formatDay(new Date(2025, 11, 31, 9).getTime(), now, "en-GB")).toBe("Wednesday, 31 December 2025");
  });
});

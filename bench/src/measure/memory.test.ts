import { describe, expect, it } from "vitest";
import { parseVmRss, readRssBytes } from "./memory.js";

describe("parseVmRss", () => {
  it("reads VmRSS in bytes", () => {
    expect(parseVmRss("Name:\tnode\nVmPeak:\t  99999 kB\nVmRSS:\t   51200 kB\nThreads:\t7\n")).toBe(51200 * 1024);
  });

  it("refuses a status without VmRSS", () => {
    expect(() => parseVmRss("Name:\tzombie\n")).toThrow();
  });

  it("reads this process's resident memory", () => {
    expect(readRssBytes(process.pid)).toBeGreaterThan(0);
  });
});

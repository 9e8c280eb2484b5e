import { describe, expect, it } from "vitest";
import { clockTicksPerSecond, CpuWindow, parseProcStat, parseSchedstat, readCpuSeconds, readTaskCpuSeconds } from "./cpu.js";

describe("parseProcStat", () => {
  it("reads utime and stime (fields 14 and 15)", () => {
    const line = "4242 (node) S 1 4242 4242 0 -1 4194560 2600 0 0 0 250 30 0 0 20 0 7 0 9911 1195155456 16335 18446744073709551615";
    expect(parseProcStat(line)).toEqual({ userTicks: 250, systemTicks: 30 });
  });

  it("counts fields from the last parenthesis, so a command name with spaces and parentheses is fine", () => {
    const line = "7 (my (odd) name) R 1 7 7 0 -1 0 0 0 0 0 11 22 0 0 20 0 1 0 5 0 0";
    expect(parseProcStat(line)).toEqual({ userTicks: 11, systemTicks: 22 });
  });

  it("refuses a line that is not /proc/PID/stat", () => {
    expect(() => parseProcStat("nonsense")).toThrow();
  });
});

describe("readCpuSeconds", () => {
  it("reads this process's CPU from /proc, never going backwards", () => {
    const first = readCpuSeconds(process.pid);
    const second = readCpuSeconds(process.pid);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(second).toBeGreaterThanOrEqual(first);
    expect(clockTicksPerSecond()).toBeGreaterThan(0);
  });

  it("measures a window over several processes", () => {
    const window = CpuWindow.start([process.pid, process.pid]);
    const { cpuSeconds, wallSeconds } = window.stop();
    expect(cpuSeconds).toBeGreaterThanOrEqual(0);
    expect(wallSeconds).toBeGreaterThanOrEqual(0);
  });
});

describe("readTaskCpuSeconds", () => {
  it("reads the first schedstat field as nanoseconds and refuses an empty line", () => {
    expect(parseSchedstat("123456789 1000 42\n")).toBe(123456789);
    expect(() => parseSchedstat("")).toThrow();
  });

  it("sums this process's threads, never going backwards, close to /proc/PID/stat", () => {
    const first = readTaskCpuSeconds(process.pid);
    const second = readTaskCpuSeconds(process.pid);
    expect(second).toBeGreaterThanOrEqual(first);
    expect(Math.abs(second - readCpuSeconds(process.pid))).toBeLessThan(0.5);
  });
});

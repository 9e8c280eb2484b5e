import { describe, expect, it } from "vitest";
import { ioBetween, parseProcIo, readIo } from "./io.js";

describe("parseProcIo", () => {
  it("reads system calls and bytes", () => {
    const text = "rchar: 6976\nwchar: 120\nsyscr: 10\nsyscw: 3\nread_bytes: 0\nwrite_bytes: 0\ncancelled_write_bytes: 0\n";
    expect(parseProcIo(text)).toEqual({ readCalls: 10, writeCalls: 3, readBytes: 6976, writtenBytes: 120 });
  });

  it("refuses a text without the counters", () => {
    expect(() => parseProcIo("rchar: 1\n")).toThrow();
  });

  it("reads this process's counters, and differences of two readings", () => {
    const before = readIo(process.pid);
    const after = readIo(process.pid);
    expect(ioBetween(before, after).readCalls).toBeGreaterThanOrEqual(1);
  });
});

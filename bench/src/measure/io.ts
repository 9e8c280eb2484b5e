import { readFileSync } from "node:fs";

/** A process's I/O counters from /proc/PID/io: system calls and bytes, reads and writes. */
export interface IoCounters {
  readonly readCalls: number;
  readonly writeCalls: number;
  readonly readBytes: number;
  readonly writtenBytes: number;
}

/**
 * Parses /proc/PID/io. `syscw` counts write and writev calls (libuv writes to TCP sockets with
 * them), `wchar` the bytes they carried: a count of the kernel round trips a server pays for,
 * steadier than CPU time on a busy machine.
 *
 * @example
 * parseProcIo("rchar: 10\nwchar: 20\nsyscr: 1\nsyscw: 2\n") // { readCalls: 1, writeCalls: 2, readBytes: 10, writtenBytes: 20 }
 */
export function parseProcIo(text: string): IoCounters {
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+)$`, "m").exec(text);
    if (!match?.[1]) throw new Error(`no ${name} in /proc/PID/io`);
    return Number(match[1]);
  };
  return { readCalls: field("syscr"), writeCalls: field("syscw"), readBytes: field("rchar"), writtenBytes: field("wchar") };
}

/** The I/O counters of process `pid` now. */
export function readIo(pid: number): IoCounters {
  return parseProcIo(readFileSync(`/proc/${String(pid)}/io`, "utf8"));
}

/** What happened between two readings. */
export function ioBetween(before: IoCounters, after: IoCounters): IoCounters {
  return {
    readCalls: after.readCalls - before.readCalls,
    writeCalls: after.writeCalls - before.writeCalls,
    readBytes: after.readBytes - before.readBytes,
    writtenBytes: after.writtenBytes - before.writtenBytes,
  };
}

import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** CPU a process has used so far, in clock ticks, as /proc/PID/stat counts it (all threads). */
export interface CpuTicks {
  readonly userTicks: number;
  readonly systemTicks: number;
}

/**
 * Parses utime and stime (fields 14 and 15) out of a /proc/PID/stat line. The command name
 * (field 2) is in parentheses and may itself hold spaces or parentheses, so fields are counted
 * from the last ")".
 *
 * @example
 * parseProcStat("42 (node) S 1 42 42 0 -1 4194560 100 0 0 0 250 30 0 0 20 0 7 0 99 0 0")
 * // { userTicks: 250, systemTicks: 30 }
 */
export function parseProcStat(line: string): CpuTicks {
  const end = line.lastIndexOf(")");
  if (end === -1) throw new Error(`not a /proc/PID/stat line: ${line.slice(0, 80)}`);
  // After ")" come field 3 (state), 4, 5, ...: field n is at index n - 3.
  const fields = line.slice(end + 2).split(" ");
  const userTicks = Number(fields[14 - 3]);
  const systemTicks = Number(fields[15 - 3]);
  if (!Number.isFinite(userTicks) || !Number.isFinite(systemTicks)) {
    throw new Error(`no utime/stime in /proc/PID/stat line: ${line.slice(0, 80)}`);
  }
  return { userTicks, systemTicks };
}

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second (`getconf CLK_TCK`, 100 nearly everywhere). */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Seconds of CPU (user + system, every thread) that process `pid` has used since it started. */
export function readCpuSeconds(pid: number): number {
  const { userTicks, systemTicks } = parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  return (userTicks + systemTicks) / clockTicksPerSecond();
}

/** A window on CLOCK_MONOTONIC, in microseconds: the clock of V8's CPU profiles on Linux. */
export interface MonotonicWindow {
  readonly startMicros: number;
  readonly endMicros: number;
}

/** What a CPU window measured. */
export interface CpuWindowReading {
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
  readonly monotonic: MonotonicWindow;
}

/** Now on CLOCK_MONOTONIC, in microseconds (process.hrtime is that clock on Linux). */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * Measures the CPU that some processes use over a window, from /proc, so that a saturated
 * client cannot hide a server's cost. The resolution is one clock tick (10 ms), so windows
 * should be seconds long.
 *
 * @example
 * const window = CpuWindow.start([server.pid]);
 * await load();
 * const { cpuSeconds, wallSeconds } = window.stop();
 */
export class CpuWindow {
  readonly #startWall = performance.now();
  readonly #startMonotonicMicros = monotonicMicros();
  readonly #startCpu: number;

  private constructor(private readonly pids: readonly number[]) {
    this.#startCpu = this.#total();
  }

  static start(pids: readonly number[]): CpuWindow {
    return new CpuWindow(pids);
  }

  /**
   * CPU-seconds and wall-seconds since `start`, and the window on the system's monotonic clock
   * (which V8 CPU profiles use too); the window may be read more than once.
   */
  stop(): CpuWindowReading {
    return {
      cpuSeconds: this.#total() - this.#startCpu,
      wallSeconds: (performance.now() - this.#startWall) / 1000,
      monotonic: { startMicros: this.#startMonotonicMicros, endMicros: monotonicMicros() },
    };
  }

  #total(): number {
    let total = 0;
    for (const pid of this.pids) total += readCpuSeconds(pid);
    return total;
  }
}

/**
 * Nanoseconds on CPU in a /proc/PID/task/TID/schedstat line (its first field).
 *
 * @example
 * parseSchedstat("123456789 1000 42\n") // 123456789
 */
export function parseSchedstat(line: string): number {
  const nanos = Number(line.trim().split(" ")[0]);
  if (!Number.isFinite(nanos) || line.trim() === "") throw new Error(`not a schedstat line: ${line.slice(0, 80)}`);
  return nanos;
}

/**
 * Seconds of CPU that process `pid`'s live threads have used, at nanosecond resolution (the sum
 * of /proc/PID/task/TID/schedstat), where /proc/PID/stat counts 10 ms ticks: short differential
 * windows need the finer clock. Threads that exited are not counted (Node's stay for life).
 *
 * @example
 * const before = readTaskCpuSeconds(server.pid);
 */
export function readTaskCpuSeconds(pid: number): number {
  let nanos = 0;
  for (const tid of readdirSync(`/proc/${String(pid)}/task`)) {
    try {
      nanos += parseSchedstat(readFileSync(`/proc/${String(pid)}/task/${tid}/schedstat`, "utf8"));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return nanos / 1e9;
}

/** One command's counters from INFO commandstats. */
export interface CommandStat {
  readonly calls: number;
  readonly usec: number;
}

/** What a Redis has done so far, from INFO: the counters the costs workload differences. */
export interface RedisStats {
  readonly commands: Readonly<Record<string, CommandStat>>;
  readonly netInputBytes: number;
  readonly netOutputBytes: number;
  /** used_cpu_sys + used_cpu_user of the main process (microsecond resolution). */
  readonly cpuSeconds: number;
  readonly usedMemoryBytes: number;
}

/** What a Redis did between two readings. */
export interface RedisDelta {
  /** Calls per command (the harness's own INFO calls left out). */
  readonly commands: Readonly<Record<string, number>>;
  readonly calls: number;
  /** Time Redis spent inside commands, in microseconds (commandstats' usec). */
  readonly commandMicros: number;
  readonly netInputBytes: number;
  readonly netOutputBytes: number;
  readonly cpuSeconds: number;
  readonly usedMemoryBytes: number;
}

// The harness reads INFO itself: those calls are not the relay's.
const HARNESS_COMMANDS = new Set(["info"]);

/**
 * Parses the text of `INFO commandstats`, `INFO stats`, `INFO cpu` and `INFO memory` (one
 * `INFO` reply, or several joined).
 *
 * @example
 * parseRedisInfo("cmdstat_get:calls=2,usec=5,usec_per_call=2.5\r\ntotal_net_input_bytes:10\r\n").commands.get
 * // { calls: 2, usec: 5 }
 */
export function parseRedisInfo(text: string): RedisStats {
  const commands: Record<string, CommandStat> = {};
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0 || line.startsWith("#")) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (key.startsWith("cmdstat_")) {
      const calls = /(?:^|,)calls=(\d+)/.exec(value)?.[1];
      const usec = /(?:^|,)usec=(\d+)/.exec(value)?.[1];
      commands[key.slice("cmdstat_".length)] = { calls: Number(calls ?? 0), usec: Number(usec ?? 0) };
    } else fields.set(key, value);
  }
  const number = (key: string) => {
    const value = Number(fields.get(key));
    if (!Number.isFinite(value)) throw new Error(`INFO has no ${key}`);
    return value;
  };
  return {
    commands,
    netInputBytes: number("total_net_input_bytes"),
    netOutputBytes: number("total_net_output_bytes"),
    cpuSeconds: number("used_cpu_sys") + number("used_cpu_user"),
    usedMemoryBytes: number("used_memory"),
  };
}

/**
 * What Redis did from `before` to `after`: calls per command (INFO's own left out), time in
 * commands, network bytes, CPU and memory growth.
 *
 * @example
 * const delta = redisDelta(parseRedisInfo(before), parseRedisInfo(after));
 */
export function redisDelta(before: RedisStats, after: RedisStats): RedisDelta {
  const commands: Record<string, number> = {};
  let calls = 0;
  let commandMicros = 0;
  for (const [name, stat] of Object.entries(after.commands)) {
    if (HARNESS_COMMANDS.has(name)) continue;
    const earlier = before.commands[name] ?? { calls: 0, usec: 0 };
    const made = stat.calls - earlier.calls;
    if (made <= 0) continue;
    commands[name] = made;
    calls += made;
    commandMicros += stat.usec - earlier.usec;
  }
  return {
    commands,
    calls,
    commandMicros,
    netInputBytes: after.netInputBytes - before.netInputBytes,
    netOutputBytes: after.netOutputBytes - before.netOutputBytes,
    cpuSeconds: after.cpuSeconds - before.cpuSeconds,
    usedMemoryBytes: after.usedMemoryBytes - before.usedMemoryBytes,
  };
}

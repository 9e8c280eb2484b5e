import type { CheckRun, CheckWindow } from "./costs-file.js";
import type { Plan } from "./model.js";
import { formatBytes } from "./print.js";

/** The flags that describe one window of the check run's traffic to the calculator. */
export function checkFlags(run: CheckRun, window: CheckWindow): Record<string, string> {
  return {
    users: String(run.members),
    online: "1",
    rate: `${(window.messages / window.wallSeconds / run.members).toFixed(6)}/s`,
    roomSize: String(run.roomSize),
    guests: "1",
    away: "0",
    logins: "0/s",
    joins: "0/s",
    store: "redis",
    nodes: String(run.nodes),
    cpuHeadroom: "0",
    memoryHeadroom: "0",
  };
}

/** One figure predicted against measured. */
export interface CheckRow {
  readonly figure: string;
  readonly predicted: number;
  readonly measured: number;
  readonly unit: "CPU-s/s" | "bytes";
}

/** How far off is within the bar. */
export const CHECK_TOLERANCE = 0.25;

/**
 * The model's prediction of one check window against what it measured: relay CPU and Redis CPU
 * (CPU-seconds per second over the window) and, with `memory`, relay memory (every node's RSS
 * after GC, with the members connected) and Redis's memory growth.
 *
 * @example
 * const rows = compareCheck(plan, run, run.windows[0], true);
 */
export function compareCheck(plan: Plan, run: CheckRun, window: CheckWindow, memory: boolean): CheckRow[] {
  return [
    { figure: "relay CPU", predicted: plan.relayCpu.need, measured: window.relayCpuSeconds / window.wallSeconds, unit: "CPU-s/s" as const },
    { figure: "Redis CPU", predicted: plan.redisCpu?.need ?? 0, measured: window.redisCpuSeconds / window.wallSeconds, unit: "CPU-s/s" as const },
    ...(memory
      ? [
          { figure: "relay memory", predicted: plan.relayMemory.need, measured: run.relayRssBytes, unit: "bytes" as const },
          { figure: "Redis memory growth", predicted: plan.redisMemory?.need ?? 0, measured: run.redisUsedBytes, unit: "bytes" as const },
        ]
      : []),
  ];
}

/** The comparison as a markdown table, each row's ratio and whether it is within 25 %. */
export function formatCheck(rows: readonly CheckRow[], title: string, command: string): string {
  const value = (row: CheckRow, amount: number) => (row.unit === "bytes" ? formatBytes(amount) : `${amount.toFixed(3)} CPU-s/s`);
  const lines = [
    title,
    "",
    `    ${command}`,
    "",
    "| figure | predicted | measured | predicted / measured | within 25 % |",
    "| --- | ---: | ---: | ---: | --- |",
    ...rows.map((row) => {
      const ratio = row.measured === 0 ? Number.NaN : row.predicted / row.measured;
      const within = Number.isFinite(ratio) && Math.abs(ratio - 1) <= CHECK_TOLERANCE;
      return `| ${row.figure} | ${value(row, row.predicted)} | ${value(row, row.measured)} | ${Number.isFinite(ratio) ? ratio.toFixed(2) : "–"} | ${within ? "yes" : "no"} |`;
    }),
  ];
  return `${lines.join("\n")}\n`;
}

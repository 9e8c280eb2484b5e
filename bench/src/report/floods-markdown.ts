import type { FloodResult } from "../workloads/floods.js";
import type { LimitsCostResult } from "../workloads/limits-cost.js";
import { STORE_IN_FLIGHT, type StoreScriptsResult } from "../workloads/store-scripts.js";
import type { MachineInfo, Versions } from "../machine/info.js";
import { formatRate } from "./format.js";

/** What a floods or limits-cost run records besides its measurements. */
export interface RunMeta {
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: MachineInfo;
  readonly versions: Versions;
}

const MIB = 1_048_576;

function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(value >= 10 ? 1 : 2);
}

function header(title: string, meta: RunMeta): string[] {
  return [
    `# ${title}`,
    "",
    `${meta.startedAt.slice(0, 16).replace("T", " ")} UTC, ${meta.machine.cpuModel}, ${String(meta.machine.cores)} cores, ${meta.versions.commit}; ` +
      `${meta.durationSeconds.toFixed(0)} s; load average ${meta.machine.loadAverage.toFixed(1)} at the start, ${(meta.machine.loadAverageAtEnd ?? 0).toFixed(1)} at the end.`,
    "",
  ];
}

/**
 * The floods table: a normal user's latency without and with each flood, what the relay took
 * and refused of it, and its memory.
 *
 * @example
 * writeFileSync("results/floods.md", floodsMarkdown(results, meta));
 */
export function floodsMarkdown(results: readonly FloodResult[], meta: RunMeta): string {
  const lines = [
    ...header("Floods against the default limits", meta),
    "A keyed pair of probes chats in its own room (25 messages/s each, open loop); p50/p99 in ms from the scheduled send to receipt (its own echo and its partner's), " +
      "without the flood and then while it runs, on the same relay with its default limits. Flood and probes share 127.0.0.1.",
    "",
    "| flood | baseline p50 / p99 | under flood p50 / p99 | p99 ratio | relay accepted | refused | relay RSS before → after (1 s later) |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const result of results) {
    const { outcome } = result;
    const refused = Object.entries(outcome.refused)
      .sort(([, a], [, b]) => b - a)
      .map(([code, count]) => `${String(count)} ${code}`);
    if (outcome.unanswered > 0) refused.push(`${String(outcome.unanswered)} dropped with the connection`);
    if (outcome.closedByRelay > 0) refused.push(`${String(outcome.closedByRelay)} connections closed`);
    const comebacks = Object.entries(outcome.comebacksRefused).map(([code, count]) => `${String(count)} ${code}`);
    if (comebacks.length > 0) refused.push(`reconnects refused: ${comebacks.join(", ")}`);
    if (outcome.note !== undefined) refused.push(outcome.note);
    const missing = result.underFloodMissing > 0 ? ` (${String(result.underFloodMissing)} lost)` : "";
    const ratio = result.baseline.p99Ms > 0 ? result.underFlood.p99Ms / result.baseline.p99Ms : 0;
    lines.push(
      `| ${result.label} | ${ms(result.baseline.p50Ms)} / ${ms(result.baseline.p99Ms)} | ${ms(result.underFlood.p50Ms)} / ${ms(result.underFlood.p99Ms)}${missing} | ` +
        `${ratio.toFixed(1)}x | ${String(outcome.accepted)} of ${String(outcome.attempted)} ${outcome.unit} in ${outcome.seconds.toFixed(1)} s | ` +
        `${refused.join("; ")} | ${(result.rssBeforeBytes / MIB).toFixed(0)} → ${(result.rssAfterBytes / MIB).toFixed(0)} (${(result.rssSettledBytes / MIB).toFixed(0)}) MiB |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The limits' cost: Pigeon's fan-out and 1:1 rows with the limits off and on (checked, never refusing).
 *
 * @example
 * writeFileSync("results/limits-cost.md", limitsCostMarkdown(cost, meta));
 */
export function limitsCostMarkdown(cost: LimitsCostResult, meta: RunMeta): string {
  const lines = [
    ...header("What the rate limits cost", meta),
    `Pigeon alone, each row on a fresh server with the limits off (checks replaced by no-ops) and on (every check runs, none refuses), alternating; ` +
      `${String(cost.rounds)} round(s)${cost.rounds > 1 ? ", medians" : ""}.`,
    "",
    "| row | limits off | limits on | on / off |",
    "| --- | --- | --- | --- |",
  ];
  for (const row of cost.fanout) {
    lines.push(
      `| fan-out, ${row.mode}, rooms of ${String(row.roomSize)}: deliveries per CPU-s | ${formatRate(row.off.deliveriesPerCpuSecond)} | ${formatRate(row.on.deliveriesPerCpuSecond)} | ${row.ratio.toFixed(2)}x |`,
    );
  }
  const { maxRate, latency } = cost;
  lines.push(
    `| 1:1 maximum rate (guests, closed loop): messages/s | ${formatRate(maxRate.off.messagesPerSecond)} | ${formatRate(maxRate.on.messagesPerSecond)} | ${maxRate.ratio.toFixed(2)}x |`,
    `| 1:1 p99 at ${formatRate(latency.ratePerSecond)} msg/s (half the max with limits off): ms | ${ms(latency.off.latency.p99Ms)} | ${ms(latency.on.latency.p99Ms)} | ${latency.p99Ratio.toFixed(2)}x |`,
  );
  return `${lines.join("\n")}\n`;
}

/**
 * The store-scripts table: what one message cost Redis in each room shape, for each build
 * measured (against the first, when there are several).
 *
 * @example
 * writeFileSync("results/store-scripts.md", storeScriptsMarkdown(result, meta));
 */
export function storeScriptsMarkdown(result: StoreScriptsResult, meta: RunMeta): string {
  const several = result.builds.length > 1;
  const lines = [
    ...header("What a message costs Redis in the Redis store", meta),
    `The relay's store on a redis-server of the run's own, no relay around it: messages into rooms, ` +
      `${String(STORE_IN_FLIGHT)} under way at once, every member acking as the row says; ` +
      `${String(result.rounds)} round(s)${result.rounds > 1 ? ", medians" : ""}${several ? ", builds alternating" : ""}.`,
    "",
    `| rooms |${several ? " build |" : ""} Redis CPU µs per message |${several ? " vs the first |" : ""} in the scripts, µs | commands in the scripts | bytes to Redis |`,
    `| --- |${several ? " --- |" : ""} --- |${several ? " --- |" : ""} --- | --- | --- |`,
  ];
  const first = result.builds[0];
  for (const [index, base] of (first?.rows ?? []).entries()) {
    for (const build of result.builds) {
      const row = build.rows[index];
      if (row === undefined) continue;
      const buildCell = several ? ` ${build.relayModule} |` : "";
      const ratioCell = several ? ` ${(row.redisCpuUsPerMessage / base.redisCpuUsPerMessage).toFixed(2)}x |` : "";
      lines.push(
        `| ${row.label} (${String(row.rooms)} rooms, ${formatRate(row.messages)} messages) |${buildCell} ${row.redisCpuUsPerMessage.toFixed(1)} |${ratioCell} ${row.scriptUsPerMessage.toFixed(1)} | ${row.callsPerMessage.toFixed(1)} | ${row.bytesInPerMessage.toFixed(0)} |`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fanoutChart } from "./chart.js";
import { toMarkdown } from "./markdown.js";
import type { BenchReport } from "./types.js";

const README_START = "<!-- bench-results:start -->";
const README_END = "<!-- bench-results:end -->";

/** Where a run's files went. */
export interface WrittenReport {
  readonly json: string;
  readonly markdown: string;
  readonly chart: string;
  readonly readmeUpdated: boolean;
}

/**
 * Writes `<profile>.json`, `<profile>.md` and `fanout.svg` under `resultsDir`, and, for a
 * complete run, puts the markdown and the chart into the README between its result markers.
 *
 * @example
 * const written = writeReport(report, "bench/results", "bench/README.md", true);
 */
export function writeReport(report: BenchReport, resultsDir: string, readmePath: string, complete: boolean): WrittenReport {
  mkdirSync(resultsDir, { recursive: true });
  const json = join(resultsDir, `${report.profile}.json`);
  const markdown = join(resultsDir, `${report.profile}.md`);
  const chart = join(resultsDir, "fanout.svg");
  const text = toMarkdown(report);
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdown, text);
  if (report.fanout.length > 0) {
    writeFileSync(chart, fanoutChart(report.fanout, `${report.profile} profile, ${report.startedAt.slice(0, 10)}, ${report.machine.cpuModel}`));
  }
  const readmeUpdated = complete && updateReadme(readmePath, text, relative(join(readmePath, ".."), chart));
  return { json, markdown, chart, readmeUpdated };
}

function updateReadme(readmePath: string, markdown: string, chartPath: string): boolean {
  if (!existsSync(readmePath)) return false;
  const readme = readFileSync(readmePath, "utf8");
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start === -1 || end < start) return false;
  const section = `${README_START}\n\n![Room fan-out: deliveries per server CPU-second](${chartPath})\n\n${markdown}\n`;
  writeFileSync(readmePath, readme.slice(0, start) + section + readme.slice(end));
  return true;
}

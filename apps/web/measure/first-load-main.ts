import { mkdir, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startTestServer } from "@pigeon/testing";
import { createProfile, VIEWPORTS } from "../test/browser/harness/chromium.js";
import { measureLoad, QUIET_WINDOW_MS, SLOW_PHONE, UNTHROTTLED, type Bytes, type Conditions, type LoadRun } from "./first-load-page.js";
import { median } from "./report.js";
import { buildWeb } from "./web-build.js";

const HELP = `Measures the web client's first load, cold (a fresh Chromium profile each run), against a
real relay serving a production build: bytes per resource type (transferred and uncompressed)
and time to interactive, unthrottled and on ${SLOW_PHONE.downKbps / 1_000} Mbps down / ${SLOW_PHONE.upKbps} kbps up / ${SLOW_PHONE.latencyMs} ms with ${SLOW_PHONE.cpuSlowdown}x CPU slowdown.

  pnpm --filter @pigeon/web measure:load [-- options]

  --label NAME   results go to measure/results/first-load-NAME.json (default: latest)
  --runs N       cold loads per condition; the report gives the median (default 5)
  --out PATH     write the JSON there instead

TTI: from navigation start to the later of (a) the Name field laid out, enabled and focused,
(b) the end of the last long task (> 50 ms) and (c) the end of the last script, style or image
download, once ${QUIET_WINDOW_MS / 1_000} s have passed after it with no long task and no new download (Lighthouse's quiet
window, main thread only). A key pressed in the field then checks the first input is handled at once.
`;

/** The medians of a condition's runs. */
interface Summary {
  readonly conditions: Conditions;
  readonly runs: number;
  readonly byType: Record<string, Bytes>;
  readonly total: Bytes;
  readonly ttiMs: number;
  readonly fieldReadyMs: number;
  readonly firstContentfulPaintMs: number;
  readonly loadMs: number;
  readonly longTaskCount: number;
  readonly longestTaskMs: number;
  readonly inputDelayMs: number;
  readonly cpuCheckMs: number;
}

function summarize(conditions: Conditions, runs: readonly LoadRun[]): Summary {
  const of = (pick: (run: LoadRun) => number) => median(runs.map(pick));
  const types = [...new Set(runs.flatMap((run) => Object.keys(run.byType)))].sort();
  const bytes = (pick: (run: LoadRun) => Bytes | undefined): Bytes => ({
    requests: of((run) => pick(run)?.requests ?? 0),
    transferred: of((run) => pick(run)?.transferred ?? 0),
    uncompressed: of((run) => pick(run)?.uncompressed ?? 0),
  });
  return {
    conditions,
    runs: runs.length,
    byType: Object.fromEntries(types.map((type) => [type, bytes((run) => run.byType[type])])),
    total: bytes((run) => run.total),
    ttiMs: of((run) => run.ttiMs),
    fieldReadyMs: of((run) => run.fieldReadyMs),
    firstContentfulPaintMs: of((run) => run.firstContentfulPaintMs),
    loadMs: of((run) => run.loadMs),
    longTaskCount: of((run) => run.longTasks.length),
    longestTaskMs: of((run) => Math.max(0, ...run.longTasks.map((task) => task.duration))),
    inputDelayMs: of((run) => run.inputDelayMs),
    cpuCheckMs: of((run) => run.cpuCheckMs),
  };
}

const kb = (bytes: number) => `${(bytes / 1_000).toFixed(1)} kB`;
const ms = (value: number) => `${Math.round(value)} ms`;

function format(summary: Summary): string {
  const lines = [`${summary.conditions.label} (median of ${summary.runs} cold loads)`];
  for (const [type, bytes] of [...Object.entries(summary.byType), ["total", summary.total] as const]) {
    lines.push(`  ${type.padEnd(11)} ${String(bytes.requests).padStart(3)} req  ${kb(bytes.transferred).padStart(10)} transferred  ${kb(bytes.uncompressed).padStart(10)} uncompressed`);
  }
  lines.push(
    `  FCP ${ms(summary.firstContentfulPaintMs)}, load ${ms(summary.loadMs)}, Name field ready ${ms(summary.fieldReadyMs)}, TTI ${ms(summary.ttiMs)}`,
    `  long tasks ${summary.longTaskCount} (longest ${ms(summary.longestTaskMs)}), first input delay ${summary.inputDelayMs.toFixed(1)} ms, CPU check ${ms(summary.cpuCheckMs)}`,
  );
  return lines.join("\n");
}

const log = (line: string) => {
  process.stderr.write(`[first-load ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

/** Builds, serves, measures, writes the JSON; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv[0] === "--" ? argv.slice(1) : [...argv],
    options: { label: { type: "string" }, runs: { type: "string" }, out: { type: "string" }, help: { type: "boolean" } },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  const label = values.label ?? "latest";
  if (!/^[\w.-]+$/u.test(label)) throw new Error(`--label must be letters, digits, _ . -; got ${label}`);
  const runs = Number(values.runs ?? 5);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number of at least 1; got ${String(values.runs)}`);
  const out = resolve(values.out ?? fileURLToPath(new URL(`results/first-load-${label}.json`, import.meta.url)));

  log("building the web client (Vite, production)");
  const web = await buildWeb();
  try {
    const relay = await startTestServer({ webDir: web.dir });
    try {
      const summaries: Summary[] = [];
      const all: Record<string, LoadRun[]> = {};
      for (const conditions of [UNTHROTTLED, SLOW_PHONE]) {
        const loads: LoadRun[] = [];
        for (let run = 1; run <= runs; run += 1) {
          const profile = await createProfile();
          try {
            const page = await profile.open(VIEWPORTS.phone);
            const load = await measureLoad(page, relay.url, conditions, 120_000);
            log(`${conditions.label} run ${run}: TTI ${ms(load.ttiMs)}, ${kb(load.total.transferred)} transferred`);
            loads.push(load);
          } finally {
            await profile.remove();
          }
        }
        all[conditions.label] = loads;
        summaries.push(summarize(conditions, loads));
      }
      const results = {
        label,
        date: new Date().toISOString(),
        machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "?", node: process.version },
        quietWindowMs: QUIET_WINDOW_MS,
        summaries,
        runs: all,
      };
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
      process.stdout.write(`${summaries.map(format).join("\n\n")}\n\nJSON: ${out}\n`);
      return 0;
    } finally {
      await relay.close();
    }
  } finally {
    await web.remove();
  }
}

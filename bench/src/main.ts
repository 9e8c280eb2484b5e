// `pnpm bench` (quick) and `pnpm bench --full`: the only file with side effects. Pins this
// process (every client) to the client core, runs the profile, writes results/, and kills
// every server it started, whatever happens (failure, Ctrl-C).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { machineInfo, versions } from "./machine/info.js";
import { pinThisProcessToClientCore } from "./machine/placement.js";
import { floodsMarkdown, limitsCostMarkdown, storeScriptsMarkdown, type RunMeta } from "./report/floods-markdown.js";
import { FULL, QUICK } from "./profiles.js";
import { writeProfileSummaries } from "./report/profiles.js";
import { writeReport } from "./report/write.js";
import { runBench, WORKLOADS, type WorkloadName } from "./run.js";
import { killAllServers } from "./servers/process.js";
import { profilePigeonInto } from "./servers/profiling.js";
import { FLOODS_DEFAULT, runFloods } from "./workloads/floods.js";
import { runLimitsCost } from "./workloads/limits-cost.js";
import { runStoreScripts } from "./workloads/store-scripts.js";

const USAGE = `Usage: pnpm bench [--full] [--only ${WORKLOADS.join(",")}] [--profile] [--out DIR]
       pnpm bench --floods [--out DIR]
       pnpm bench --limits-cost [--full] [--out DIR]
       pnpm bench --store-scripts [--full] [--out DIR]

  --full     the full profile (keyed and encrypted rooms of 1,000, MLS joins at 1,000, longer
             windows, three rounds; ~30 min)
  --only     run only these workloads (the README is then left as it is); "scaling" (one room
             of 10,000, 50,000 idle connections asked for; --full only, ~20 min) runs only
             when named: pnpm bench --full --only scaling --out results/scaling
  --profile  Pigeon runs under node --cpu-prof; profiles and a summary of each measurement
             window go to results/profiles/ (numbers of a profiled run are not for the README)
  --out      where results go (default: bench/results; elsewhere, the README is left as it is)
  --floods   issue 14's floods, one at a time, against Pigeon with its default limits: a normal
             user's latency without and with each, what was refused, RSS (~1.5 min;
             results/floods.{json,md})
  --limits-cost  Pigeon's fan-out and 1:1 rows with its rate limits off and on, side by side
             at the quick profile's sizes (one round, ~2 min; --full: three rounds, medians,
             ~6 min; results/limits-cost.{json,md})
  --store-scripts  what a message costs Redis in the Redis store, the store alone on a
             redis-server of its own: CPU, time in its scripts, commands and bytes per
             message, in three room shapes (5 rounds, ~30 s; --full: 11; results/store-scripts.{json,md});
             BENCH_PIGEON_RELAY=/before/packages/relay/dist/index.js,@pigeon/relay measures
             builds side by side, alternating
Scale-out and store use REDIS_URL (default redis://127.0.0.1:6379) and are skipped when no Redis answers.`;

const { values } = parseArgs({
  options: {
    full: { type: "boolean", default: false },
    only: { type: "string" },
    out: { type: "string" },
    profile: { type: "boolean", default: false },
    floods: { type: "boolean", default: false },
    "limits-cost": { type: "boolean", default: false },
    "store-scripts": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
  strict: true,
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const only = values.only === undefined ? undefined : new Set(values.only.split(",").map((name) => name.trim()));
for (const name of only ?? []) {
  if (!(WORKLOADS as readonly string[]).includes(name)) {
    process.stderr.write(`unknown workload "${name}"\n\n${USAGE}\n`);
    process.exit(2);
  }
}

process.on("exit", killAllServers);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    process.stderr.write(`\n${signal}: stopping every server\n`);
    killAllServers();
    process.exit(130);
  });
}

pinThisProcessToClientCore();
const benchDir = fileURLToPath(new URL("../", import.meta.url));
const resultsDir = values.out ?? `${benchDir}results`;
const profilesDir = join(resultsDir, "profiles");
if (values.profile) profilePigeonInto(profilesDir);
if (values.floods || values["limits-cost"] || values["store-scripts"]) {
  await runSideWorkload();
  process.exit(process.exitCode ?? 0);
}
try {
  const report = await runBench({
    profile: values.full ? FULL : QUICK,
    ...(only ? { only: only as ReadonlySet<WorkloadName> } : {}),
    redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    log: (line) => process.stderr.write(`${line}\n`),
    mlsProfileDir: join(profilesDir, "mls"),
  });
  // Only a complete, unprofiled run into bench/results replaces the README's results.
  const readmeRun = only === undefined && !values.profile && values.out === undefined;
  const written = writeReport(report, resultsDir, `${benchDir}README.md`, readmeRun);
  const profiles = values.profile ? writeProfileSummaries(profilesDir) : undefined;
  if (profiles !== undefined) process.stderr.write(`CPU profile summaries: ${profiles}\n`);
  process.stdout.write(`${readFileText(written.markdown)}\n`);
  process.stderr.write(
    `wrote ${written.json}, ${written.markdown}, ${written.chart}${written.readmeUpdated ? " and the README's results" : ""}\n`,
  );
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  killAllServers();
}

/** `--floods`, `--limits-cost` or `--store-scripts`: its own results files, never the README's tables. */
async function runSideWorkload(): Promise<void> {
  const started = new Date();
  const machineAtStart = machineInfo();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const meta = (): RunMeta => ({
    startedAt: started.toISOString(),
    durationSeconds: (Date.now() - started.getTime()) / 1000,
    machine: { ...machineAtStart, loadAverageAtEnd: machineInfo().loadAverage },
    versions: versions(),
  });
  try {
    mkdirSync(resultsDir, { recursive: true });
    let name: string;
    let data: unknown;
    let markdown: string;
    if (values.floods) {
      const floods = await runFloods(FLOODS_DEFAULT, log);
      const run = meta();
      [name, data, markdown] = ["floods", { ...run, settings: FLOODS_DEFAULT, floods }, floodsMarkdown(floods, run)];
    } else if (values["store-scripts"]) {
      const result = await runStoreScripts(values.full ? 11 : 5, log);
      if (result === undefined) throw new Error("--store-scripts needs a redis-server it can start");
      const run = meta();
      [name, data, markdown] = ["store-scripts", { ...run, result }, storeScriptsMarkdown(result, run)];
    } else {
      const rounds = values.full ? 3 : 1;
      // The quick profile's sizes either way: --full only adds rounds (the comparison is the point).
      const cost = await runLimitsCost(QUICK, rounds, log);
      const run = meta();
      [name, data, markdown] = ["limits-cost", { ...run, cost }, limitsCostMarkdown(cost, run)];
    }
    writeFileSync(join(resultsDir, `${name}.json`), `${JSON.stringify(data, null, 2)}\n`);
    writeFileSync(join(resultsDir, `${name}.md`), markdown);
    process.stdout.write(`${markdown}\n`);
    log(`wrote ${join(resultsDir, `${name}.json`)} and ${join(resultsDir, `${name}.md`)}`);
  } catch (error) {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  } finally {
    killAllServers();
  }
}

function readFileText(path: string): string {
  return readFileSync(path, "utf8");
}

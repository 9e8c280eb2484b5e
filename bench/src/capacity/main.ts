// `pnpm capacity`: sizes a Pigeon deployment for a traffic shape from the unit costs the
// benchmark measured (the newest bench/results/*.json with `costs`, or --results FILE).
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { checkFlags, compareCheck, formatCheck } from "./check.js";
import { CostsFileError, loadCosts, type LoadedCosts } from "./costs-file.js";
import { planCapacity, PlanError } from "./model.js";
import { formatPlan } from "./print.js";
import { camel, FlagError, kebab, parseTraffic, Traffic } from "./traffic.js";

const TRAFFIC_FLAGS = Object.keys(Traffic.shape).map(kebab);

function usage(): string {
  const lines = Object.entries(Traffic.shape).map(([key, schema]) => `  --${kebab(key).padEnd(22)} ${schema.description ?? ""}`);
  return [
    "Usage: pnpm capacity --users N [traffic flags] [--results FILE]",
    "       pnpm capacity --check [--results FILE]   (the model against the costs workload's check run)",
    "",
    ...lines,
    `  --${"results".padEnd(22)} a results JSON with unit costs (default: the newest bench/results/*.json that has them)`,
    "",
    "Example: pnpm capacity --users 1000000 --online 0.2 --rate 1/min --room-size 10 --away 0.3",
  ].join("\n");
}

/** Runs the calculator on `argv`; returns the text to print, or throws a FlagError, CostsFileError or PlanError. */
export function runCapacity(argv: readonly string[], cwd = process.env.INIT_CWD ?? process.cwd()): string {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        ...Object.fromEntries(TRAFFIC_FLAGS.map((flag) => [flag, { type: "string" as const }])),
        results: { type: "string" },
        check: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new FlagError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return `${usage()}\n`;
  const resultsFlag = typeof values.results === "string" ? resolve(cwd, values.results) : undefined;
  if (values.check === true) return check(loadCosts(resultsFlag));
  const flags: Record<string, string> = {};
  for (const flag of TRAFFIC_FLAGS) {
    const value = values[flag];
    if (typeof value === "string") flags[camel(flag)] = value;
  }
  const traffic = parseTraffic(flags);
  const costs = loadCosts(resultsFlag);
  return formatPlan(planCapacity(traffic, { memory: () => costs.store("memory"), redis: () => costs.store("redis") }), traffic, provenance(costs));
}

function check(costs: LoadedCosts): string {
  const run = costs.file.costs.check;
  if (run === undefined) throw new CostsFileError(`${costs.path} has no check run (the costs workload makes one when a Redis is there)`);
  const parts = run.windows.map((window, index) => {
    const flags = checkFlags(run, window);
    const traffic = parseTraffic(flags);
    const plan = planCapacity(traffic, { memory: () => costs.store("memory"), redis: () => costs.store("redis") });
    const command = `pnpm capacity ${Object.entries(flags)
      .map(([key, value]) => `--${kebab(key)} ${value}`)
      .join(" ")}`;
    const title = `Check, ${String(run.nodes)} nodes on one Redis, ${String(run.rooms)} rooms of ${String(run.roomSize)} guests, ${window.loop === "open" ? `${String(window.offeredPerSecond ?? "")} messages/s at a fixed rate (open loop)` : "each room's sender keeping messages in flight (closed loop, the scale-out workload's)"}:`;
    const table = formatCheck(compareCheck(plan, run, window, index === run.windows.length - 1), title, command);
    return index === 0 ? `${table}\n${formatPlan(plan, traffic, provenance(costs))}` : table;
  });
  return parts.join("\n");
}

function provenance(costs: LoadedCosts) {
  return { path: costs.path, profile: costs.file.profile, startedAt: costs.file.startedAt, redis: costs.file.costs.redis };
}

if (import.meta.url === `file://${process.argv[1] ?? ""}`) {
  try {
    process.stdout.write(runCapacity(process.argv.slice(2)));
  } catch (error) {
    if (error instanceof FlagError || error instanceof CostsFileError || error instanceof PlanError) {
      process.stderr.write(`pnpm capacity: ${error.message}\n\n${error instanceof FlagError ? `${usage()}\n` : ""}`);
      process.exit(2);
    }
    throw error;
  }
}

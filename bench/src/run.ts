import { machineInfo, versions } from "./machine/info.js";
import { timerStalls } from "./machine/timer-stalls.js";
import type { Profile } from "./profiles.js";
import { checkTargets } from "./report/targets.js";
import type { BenchReport } from "./report/types.js";
import { formatRate } from "./report/format.js";
import { SERVER_KINDS, SERVER_LABELS } from "./servers/kinds.js";
import { runDrain, type DrainResult } from "./workloads/drain.js";
import { runFanout, type FanoutCase, type FanoutResult } from "./workloads/fanout.js";
import { runIdleMemory, type IdleMemoryResult } from "./workloads/idle-memory.js";
import { runMaxRate, runOneToOne, type MaxRateResult, type OneToOneResult } from "./workloads/one-to-one.js";
import { runMlsClient } from "./workloads/mls-client.js";
import { redisAvailable, runScaleOut } from "./workloads/scale-out.js";
import { runScaling } from "./workloads/scaling.js";
import { runStores } from "./workloads/redis-store.js";
import { runCosts } from "./workloads/costs.js";
import { profilingPigeon } from "./servers/profiling.js";

/** The workloads, by the names `--only` takes. */
export const WORKLOADS = ["fanout", "latency", "memory", "drain", "scaleout", "store", "costs", "scaling", "mls"] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** What to run. */
export interface RunOptions {
  readonly profile: Profile;
  /** Only these workloads (all when undefined). */
  readonly only?: ReadonlySet<WorkloadName>;
  readonly redisUrl: string;
  /** Progress lines (stderr in the CLI). */
  readonly log: (line: string) => void;
  /** Where the MLS client workload writes its .cpuprofile files (none when absent). */
  readonly mlsProfileDir?: string;
}

const TIMER_STALL_PROBE_MS = 1_000;

/**
 * Runs a profile's workloads in turn, each on fresh server processes, and assembles the report
 * (targets included). Every workload is bounded in time and count.
 *
 * @example
 * const report = await runBench({ profile: QUICK, redisUrl, log: console.error });
 */
export async function runBench({ profile, only, redisUrl, log, mlsProfileDir }: RunOptions): Promise<BenchReport> {
  const started = new Date();
  const machineAtStart = machineInfo();
  const wanted = (name: WorkloadName) => only === undefined || only.has(name);
  log(`machine: ${machineInfo().placement}`);
  const timerStallsMs = await timerStalls(TIMER_STALL_PROBE_MS);

  const fanout = wanted("fanout") ? await fanoutAll(profile, log) : [];
  const oneToOne = wanted("latency") ? await oneToOneAll(profile, log) : undefined;
  const idleMemory = wanted("memory") ? await idleMemoryAll(profile, log) : [];
  const drain: DrainResult[] = [];
  if (wanted("drain")) {
    for (const settings of profile.drain) {
      const result = await runDrain(settings);
      log(`drain ${String(settings.members)} × ${String(settings.heldPerMember)}: ${result.seconds.toFixed(3)} s`);
      drain.push(result);
    }
  }
  let scaleOut: BenchReport["scaleOut"] = { skipped: "not selected" };
  if (wanted("scaleout")) {
    if (await redisAvailable(redisUrl)) {
      scaleOut = await runScaleOut({ ...profile.scaleOut, redisUrl });
      for (const result of scaleOut) log(`scale-out ${String(result.nodes)} node(s): ${formatRate(result.deliveriesPerSecond)} deliveries/s`);
    } else {
      scaleOut = { skipped: `no Redis answers at ${redisUrl} (set REDIS_URL)` };
      log(`scale-out skipped: ${scaleOut.skipped}`);
    }
  }

  const store = wanted("store") ? await storeRows(profile, redisUrl, log) : undefined;
  const costs = wanted("costs") ? await runCosts(profile.costs, redisUrl, log) : undefined;
  // About twenty minutes on two cores: only when asked for by name.
  const scaling = only?.has("scaling")
    ? profile.scaling
      ? await runScaling(profile.scaling, log)
      : { skipped: "full profile only (pnpm bench --full --only scaling --out results/scaling)" }
    : undefined;

  const mlsClient = wanted("mls")
    ? await runMlsClient({ ...profile.mls, ...(mlsProfileDir === undefined ? {} : { profileDir: mlsProfileDir }) }, log)
    : undefined;

  return {
    profile: profile.name,
    profiled: profilingPigeon(),
    startedAt: started.toISOString(),
    durationSeconds: (Date.now() - started.getTime()) / 1000,
    machine: { ...machineAtStart, loadAverageAtEnd: machineInfo().loadAverage },
    timerStallsMs,
    versions: versions(),
    fanout,
    ...(oneToOne ? { oneToOne } : {}),
    idleMemory,
    drain,
    scaleOut,
    ...(store ? { store } : {}),
    ...(scaling ? { scaling } : {}),
    ...(costs ? { costs } : {}),
    ...(mlsClient ? { mlsClient } : {}),
    targets: checkTargets({
      fanout,
      latency: oneToOne?.latency ?? [],
      maxRate: oneToOne?.maxRate ?? [],
      idleMemory,
      drain,
      ...(store && !("skipped" in store) ? { store } : {}),
      ...(mlsClient ? { mlsClient } : {}),
    }),
  };
}

async function fanoutAll(profile: Profile, log: (line: string) => void): Promise<FanoutResult[]> {
  const cases: FanoutCase[] = [];
  for (const roomSize of profile.fanout.roomSizes) {
    for (const server of SERVER_KINDS) cases.push({ server, mode: "guest", roomSize });
    if (profile.fanout.keyedRoomSizes.includes(roomSize)) cases.push({ server: "pigeon", mode: "keyed", roomSize });
    // Beside the plain keyed case of the same size, so both see the machine in the same state.
    if (profile.fanout.encryptedRoomSizes.includes(roomSize)) cases.push({ server: "pigeon", mode: "encrypted", roomSize });
  }
  const rounds: FanoutResult[][] = cases.map(() => []);
  for (let round = 1; round <= profile.fanout.rounds; round += 1) {
    for (const [index, fanoutCase] of cases.entries()) {
      const result = await runFanout(fanoutCase, profile.fanout);
      log(
        `fan-out ${String(fanoutCase.roomSize)} ${fanoutCase.mode} ${SERVER_LABELS[fanoutCase.server]} (round ${String(round)}): ` +
          `${formatRate(result.deliveriesPerCpuSecond)} deliveries/CPU-s, CPU use ${result.serverUtilization.toFixed(2)}`,
      );
      rounds[index]?.push(result);
    }
  }
  return rounds.map((results) => median(results, (result) => result.deliveriesPerCpuSecond));
}

async function idleMemoryAll(profile: Profile, log: (line: string) => void): Promise<IdleMemoryResult[]> {
  const rounds: IdleMemoryResult[][] = SERVER_KINDS.map(() => []);
  for (let round = 1; round <= profile.idleMemory.rounds; round += 1) {
    for (const [index, server] of SERVER_KINDS.entries()) {
      const result = await runIdleMemory(server, profile.idleMemory);
      log(
        `memory ${SERVER_LABELS[server]} (round ${String(round)}): ${(result.rssPerConnectionBytes / 1024).toFixed(1)} KiB RSS, ` +
          `${(result.heapPerConnectionBytes / 1024).toFixed(1)} KiB heap per connection, ramp ${formatRate(result.ramp.connectionsPerSecond)} connections/s`,
      );
      rounds[index]?.push(result);
    }
  }
  return rounds.map((results) => median(results, (result) => result.rssPerConnectionBytes));
}

async function oneToOneAll(profile: Profile, log: (line: string) => void): Promise<BenchReport["oneToOne"]> {
  const settings = profile.oneToOne;
  const maxRate: MaxRateResult[] = [];
  for (const server of SERVER_KINDS) {
    const result = await runMaxRate(server, "guest", settings);
    log(`1:1 max rate ${SERVER_LABELS[server]}: ${formatRate(result.messagesPerSecond)} msg/s, CPU use ${result.serverUtilization.toFixed(2)}`);
    maxRate.push(result);
  }
  // Keyed members beside the guests, against the same guest baselines.
  const keyedMax = await runMaxRate("pigeon", "keyed", settings);
  log(`1:1 max rate Pigeon keyed: ${formatRate(keyedMax.messagesPerSecond)} msg/s, CPU use ${keyedMax.serverUtilization.toFixed(2)}`);
  maxRate.push(keyedMax);
  const bareMax = maxRate.find((result) => result.server === "socketio")?.messagesPerSecond ?? 0;
  const ratePerSecond = Math.round(bareMax / 2);
  const latency: OneToOneResult[] = [];
  for (const server of SERVER_KINDS) {
    const result = await runOneToOne(server, "guest", ratePerSecond, settings);
    log(`1:1 latency ${SERVER_LABELS[server]} at ${formatRate(ratePerSecond)} msg/s: p99 ${result.latency.p99Ms.toFixed(2)} ms`);
    latency.push(result);
  }
  if (settings.modes.includes("keyed")) {
    const result = await runOneToOne("pigeon", "keyed", ratePerSecond, settings);
    log(`1:1 latency Pigeon keyed: p99 ${result.latency.p99Ms.toFixed(2)} ms`);
    latency.push(result);
  }
  return { maxRate, ratePerSecond, latency };
}

async function storeRows(profile: Profile, redisUrl: string, log: (line: string) => void): Promise<BenchReport["store"]> {
  if (!(await redisAvailable(redisUrl))) {
    const skipped = `no Redis answers at ${redisUrl} (set REDIS_URL)`;
    log(`store skipped: ${skipped}`);
    return { skipped };
  }
  return runStores({ ...profile.store, redisUrl, fanout: profile.fanout, oneToOne: profile.oneToOne }, log);
}

/** The middle result by `key` (the lower middle of an even count). */
function median<T>(results: readonly T[], key: (result: T) => number): T {
  const sorted = [...results].sort((a, b) => key(a) - key(b));
  const middle = sorted[Math.floor((sorted.length - 1) / 2)];
  if (middle === undefined) throw new Error("median of nothing");
  return middle;
}

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { FLOOD_LABELS, FLOOD_RESULT_MARK, FLOOD_STARTED_MARK, FLOODS, type FloodKind, type FloodOutcome, type FloodSettings } from "../clients/flooders.js";
import { createIdentity } from "../clients/identity.js";
import { chatText } from "../clients/payload.js";
import { Probe } from "../clients/probe.js";
import { LatencyHistogram, type LatencySummary } from "../measure/histogram.js";
import { readRssBytes } from "../measure/memory.js";
import { runOpenLoop, sendsFor } from "../measure/open-loop.js";
import { waitUntil } from "../measure/wait.js";
import { startPigeon } from "../servers/pigeon.js";
import { FROM_SOURCE, harnessModule } from "../servers/process.js";

/** How the floods workload runs. */
export interface FloodsSettings {
  /** Which floods (default: all). */
  readonly floods?: readonly FloodKind[];
  /** Probe sends per second, each of the two probes (each identity may send 600 a minute). */
  readonly probeRatePerSecond: number;
  readonly warmupMs: number;
  /** The baseline window, and the window under flood. */
  readonly measureMs: number;
  /** Most attempts per flood, and connections at once, by flood. */
  readonly count: Readonly<Record<FloodKind, number>>;
  readonly concurrency: Readonly<Record<FloodKind, number>>;
  /** Settings for the relay over its defaults (the smoke test lowers limits to refuse tiny floods). */
  readonly relayEnv?: Readonly<Record<string, string>>;
}

/** One flood against a relay with its default limits, and a normal user's latency before and during it. */
export interface FloodResult {
  readonly flood: FloodKind;
  readonly label: string;
  readonly baseline: LatencySummary;
  readonly underFlood: LatencySummary;
  /** Probe messages sent in each window that never arrived (lost or still late at its end). */
  readonly baselineMissing: number;
  readonly underFloodMissing: number;
  readonly outcome: FloodOutcome;
  /** Relay RSS after the baseline, at the end of the flood window, and 1 s after the flood stopped. */
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
  readonly rssSettledBytes: number;
}

/** The default settings: a few seconds per flood, about a minute in all. */
export const FLOODS_DEFAULT: FloodsSettings = {
  probeRatePerSecond: 25,
  warmupMs: 1_000,
  measureMs: 4_000,
  count: {
    chat: 200_000,
    badLogins: 100_000,
    pollingHandshakes: 50_000,
    idleSockets: 1_000,
    slowReaders: 50_000,
    guestRoom: 200_000,
    newIdentities: 5_000,
  },
  concurrency: {
    chat: 1,
    badLogins: 1,
    pollingHandshakes: 32,
    idleSockets: 50,
    slowReaders: 10,
    guestRoom: 1,
    newIdentities: 16,
  },
};

// How long past its window a flood process may take to finish and report.
const FLOOD_GRACE_MS = 20_000;
const SETTLE_MS = 1_000;

/**
 * For each flood in turn, on a fresh Pigeon with its DEFAULT limits (the point is that they cut
 * the flood): a keyed pair of probes (real socket.io clients) chats open loop in a room of
 * their own; their latency is measured for a window without the flood, then for a window of
 * the same length while the flood runs in a process of its own, from the same address. Each
 * flood is bounded in count and time and stops by itself.
 *
 * @example
 * const results = await runFloods(FLOODS_DEFAULT, console.error);
 */
export async function runFloods(settings: FloodsSettings, log: (line: string) => void): Promise<FloodResult[]> {
  const results: FloodResult[] = [];
  for (const flood of settings.floods ?? FLOODS) {
    const result = await runOneFlood(flood, settings);
    const ratio = result.baseline.p99Ms > 0 ? result.underFlood.p99Ms / result.baseline.p99Ms : 0;
    log(
      `flood ${flood}: p50 ${result.baseline.p50Ms.toFixed(2)} → ${result.underFlood.p50Ms.toFixed(2)} ms, ` +
        `p99 ${result.baseline.p99Ms.toFixed(2)} → ${result.underFlood.p99Ms.toFixed(2)} ms (${ratio.toFixed(1)}x); ` +
        `${String(result.outcome.accepted)} of ${String(result.outcome.attempted)} ${result.outcome.unit} accepted; ` +
        `RSS ${mib(result.rssBeforeBytes)} → ${mib(result.rssAfterBytes)} MiB${result.outcome.note ? `; ${result.outcome.note}` : ""}`,
    );
    results.push(result);
  }
  return results;
}

function mib(bytes: number): string {
  return (bytes / 1_048_576).toFixed(0);
}

async function runOneFlood(flood: FloodKind, settings: FloodsSettings): Promise<FloodResult> {
  const server = await startPigeon({ tag: `flood-${flood}`, limits: "defaults", ...(settings.relayEnv ? { env: settings.relayEnv } : {}) });
  const probes: Probe[] = [];
  try {
    const room = "probe-room";
    for (const name of ["probe-a", "probe-b"]) {
      const probe = await Probe.connect({ port: server.port, name, identity: createIdentity() });
      await probe.join(room);
      probes.push(probe);
    }
    const received = () => probes.reduce((total, probe) => total + probe.messages, 0);
    // Both probes send; each message reaches both (its sender included).
    const window = async (durationMs: number, histogram: LatencyHistogram | undefined) => {
      for (const probe of probes) {
        probe.latency = histogram ?? new LatencyHistogram();
        probe.recording = histogram !== undefined;
      }
      const before = received();
      const rate = settings.probeRatePerSecond * probes.length;
      const { sent } = await runOpenLoop({
        ratePerSecond: rate,
        count: sendsFor(rate, durationMs),
        send: (index, scheduled) => probes[index % probes.length]?.chat(chatText(scheduled)),
      });
      const expected = sent * probes.length;
      await waitUntil(() => received() - before >= expected, 2_000);
      for (const probe of probes) probe.recording = false;
      return Math.max(0, expected - (received() - before));
    };

    await window(settings.warmupMs, undefined);
    const baseline = new LatencyHistogram();
    const baselineMissing = await window(settings.measureMs, baseline);
    const rssBeforeBytes = readRssBytes(server.pid);

    const floodProcess = startFlood({
      kind: flood,
      port: server.port,
      count: settings.count[flood],
      durationMs: settings.measureMs,
      concurrency: settings.concurrency[flood],
    });
    await floodProcess.started;
    const underFlood = new LatencyHistogram();
    const underFloodMissing = await window(settings.measureMs, underFlood);
    const rssAfterBytes = readRssBytes(server.pid);
    const outcome = await floodProcess.outcome;
    await sleep(SETTLE_MS);
    const rssSettledBytes = readRssBytes(server.pid);
    return {
      flood,
      label: FLOOD_LABELS[flood],
      baseline: baseline.summary(),
      underFlood: underFlood.summary(),
      baselineMissing,
      underFloodMissing,
      outcome,
      rssBeforeBytes,
      rssAfterBytes,
      rssSettledBytes,
    };
  } finally {
    for (const probe of probes) probe.close();
    await server.kill();
  }
}

/** Starts a flood process (clients/flood-main.ts), on the harness's core like every client. */
function startFlood(settings: FloodSettings): { started: Promise<void>; outcome: Promise<FloodOutcome> } {
  const nodeArgs = FROM_SOURCE ? ["--import", "tsx", "--conditions=@source"] : [];
  const child = spawn(process.execPath, [...nodeArgs, harnessModule("../clients/flood-main.ts"), JSON.stringify(settings)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  const killer = () => child.kill("SIGKILL");
  process.once("exit", killer);
  const errors: string[] = [];
  child.stderr.on("data", (chunk: Buffer) => errors.push(chunk.toString()));
  let onStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    onStarted = resolve;
  });
  const outcome = new Promise<FloodOutcome>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
    }, settings.durationMs + FLOOD_GRACE_MS);
    let result: FloodOutcome | undefined;
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line === FLOOD_STARTED_MARK) onStarted();
      else if (line.startsWith(FLOOD_RESULT_MARK)) result = JSON.parse(line.slice(FLOOD_RESULT_MARK.length)) as FloodOutcome;
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      process.off("exit", killer);
      onStarted();
      if (result) resolve(result);
      else reject(new Error(`flood ${settings.kind} ended (${String(code ?? signal)}) without a result: ${errors.join("").slice(-2_000)}`));
    });
  });
  return { started, outcome };
}

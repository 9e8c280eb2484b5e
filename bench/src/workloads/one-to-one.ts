import { setTimeout as sleep } from "node:timers/promises";
import { startClosedLoop } from "../clients/closed-loop.js";
import { chatText } from "../clients/payload.js";
import type { Probe } from "../clients/probe.js";
import { CpuWindow } from "../measure/cpu.js";
import type { LatencySummary } from "../measure/histogram.js";
import { runOpenLoop, sendsFor } from "../measure/open-loop.js";
import { startServer, type ServerKind } from "../servers/kinds.js";
import type { LaunchOptions } from "../servers/launch-options.js";
import { noteProfileWindow } from "../servers/profiling.js";
import type { Mode } from "./fanout.js";
import { roomSenders, withPopulation, type Population } from "./population.js";

/** How the 1:1 workload runs. */
export interface OneToOneSettings {
  /** Rooms of two thin clients: the background load. */
  readonly pairs: number;
  /** Rooms of two probes (real socket.io clients): where latency is measured. */
  readonly probePairs: number;
  /** Share of the rate the probes send (the rest goes through the thin pairs). */
  readonly probeShare: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  /** Messages each sender keeps in flight when finding the maximum rate. */
  readonly inFlightPerSender: number;
}

/** A server's maximum 1:1 rate, closed loop. */
export interface MaxRateResult {
  readonly server: ServerKind;
  readonly mode: Mode;
  readonly messagesPerSecond: number;
  readonly serverUtilization: number;
  readonly clientCpuSeconds: number;
  readonly wallSeconds: number;
  /** CPU of the Redis the server used, over the same window (when asked for with `redisPid`). */
  readonly redisCpuSeconds?: number;
}

/** Sender lag past which a 1:1 run measured the harness rather than the server. */
export const CLIENT_BOUND_LAG_MS = 100;

/** Whether the harness, not the server, limited a 1:1 run (its senders fell behind, or messages were lost). */
export function clientBound(result: OneToOneResult): boolean {
  return result.maxSendLagMs > CLIENT_BOUND_LAG_MS || result.delivered < result.expected;
}

/** 1:1 latency at a fixed rate, open loop. */
export interface OneToOneResult {
  readonly server: ServerKind;
  readonly mode: Mode;
  readonly messagesPerSecond: number;
  readonly latency: LatencySummary;
  readonly delivered: number;
  readonly expected: number;
  readonly serverUtilization: number;
  readonly maxSendLagMs: number;
}

/** Rooms of two on a fresh server: `settings.pairs` of thin clients, then `probePairs` of probes. */
async function withPairs<T>(
  server: ServerKind,
  mode: Mode,
  settings: OneToOneSettings,
  probePairs: number,
  tag: string,
  run: (population: Population, pid: number) => Promise<T>,
  launch: LaunchOptions = {},
): Promise<T> {
  const serverProcess = await startServer(server, { tag, ...launch });
  const spec = {
    prefix: `p${mode[0] ?? ""}-`,
    rooms: settings.pairs + probePairs,
    roomSize: 2,
    probes: probePairs > 0 ? 2 : 0,
    probeRooms: probePairs,
    keyed: mode === "keyed",
  };
  return withPopulation([serverProcess], spec, (population) => run(population, serverProcess.pid));
}

/**
 * The most 1:1 messages per second a server carries: every thin pair's sender keeps a few
 * messages in flight (it hears its own message back, sender included) and sends the next as
 * each returns. Counted over the window after a warm-up; the server core should be saturated
 * (`serverUtilization` near 1), otherwise the client was the limit.
 *
 * @example
 * const { messagesPerSecond } = await runMaxRate("socketio", "guest", settings);
 */
export function runMaxRate(
  server: ServerKind,
  mode: Mode,
  settings: OneToOneSettings,
  launch: LaunchOptions = {},
  { redisPid }: { readonly redisPid?: number } = {},
): Promise<MaxRateResult> {
  const tag = launch.tag ?? `maxrate-${mode}`;
  return withPairs(server, mode, settings, 0, tag, async (population, pid) => {
    const senders = roomSenders(population);
    const completed = () => senders.reduce((total, client) => total + client.messages, 0);
    const stop = startClosedLoop(senders, settings.inFlightPerSender);
    await sleep(settings.warmupMs);
    const before = completed();
    const clientBefore = process.cpuUsage();
    const window = CpuWindow.start([pid]);
    const redisWindow = redisPid === undefined ? undefined : CpuWindow.start([redisPid]);
    await sleep(settings.measureMs);
    const done = completed() - before;
    const { cpuSeconds, wallSeconds, monotonic } = window.stop();
    const redisCpuSeconds = redisWindow?.stop().cpuSeconds;
    if (server === "pigeon") noteProfileWindow(tag, [pid], monotonic);
    const clientCpu = process.cpuUsage(clientBefore);
    stop();
    return {
      server,
      mode,
      messagesPerSecond: done / wallSeconds,
      serverUtilization: cpuSeconds / wallSeconds,
      clientCpuSeconds: (clientCpu.user + clientCpu.system) / 1e6,
      wallSeconds,
      ...(redisCpuSeconds === undefined ? {} : { redisCpuSeconds }),
    };
  }, launch);
}

/**
 * 1:1 latency under load: thin pairs carry most of `messagesPerSecond` open loop, probe pairs
 * (real socket.io clients) the rest, and each probe records scheduled-send-to-receipt for every
 * message it receives (its partner's and its own echo). p50, p99 and p99.9 from HdrHistogram.
 *
 * @example
 * const result = await runOneToOne("pigeon", "guest", 10_000, settings);
 */
export function runOneToOne(
  server: ServerKind,
  mode: Mode,
  messagesPerSecond: number,
  settings: OneToOneSettings,
  launch: LaunchOptions = {},
): Promise<OneToOneResult> {
  const tag = launch.tag ?? `latency-${mode}`;
  return withPairs(server, mode, settings, settings.probePairs, tag, async (population, pid) => {
    const thinSenders = roomSenders(population);
    const probeSenders = population.rooms.map((room) => room.probes[0]).filter((probe): probe is Probe => probe !== undefined);
    const probeRate = messagesPerSecond * settings.probeShare;
    const thinRate = messagesPerSecond - probeRate;
    let expected = 0;
    // Each chat reaches both members of its pair: its sender and the partner.
    const openLoop = (senders: readonly { chat(text: string): void }[], ratePerSecond: number, durationMs: number) =>
      runOpenLoop({
        ratePerSecond,
        count: sendsFor(ratePerSecond, durationMs),
        send: (index, scheduled) => {
          expected += 2;
          senders[index % senders.length]?.chat(chatText(scheduled));
        },
      });
    const phase = async (durationMs: number) => {
      const [thin, probes] = await Promise.all([openLoop(thinSenders, thinRate, durationMs), openLoop(probeSenders, probeRate, durationMs)]);
      return Math.max(thin.maxLagMs, probes.maxLagMs);
    };
    await phase(settings.warmupMs);
    await population.untilDelivered(expected);
    const before = population.delivered();
    expected = 0;
    for (const probe of population.probes) probe.recording = true;
    const window = CpuWindow.start([pid]);
    const maxSendLagMs = await phase(settings.measureMs);
    await population.untilDelivered(before + expected);
    const { cpuSeconds, wallSeconds, monotonic } = window.stop();
    if (server === "pigeon") noteProfileWindow(tag, [pid], monotonic);
    return {
      server,
      mode,
      messagesPerSecond,
      latency: population.probeLatency(),
      delivered: population.delivered() - before,
      expected,
      serverUtilization: cpuSeconds / wallSeconds,
      maxSendLagMs,
    };
  }, launch);
}

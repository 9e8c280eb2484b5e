import { SERVER_LABELS } from "../servers/kinds.js";
import type { FanoutResult } from "../workloads/fanout.js";
import type { FailedCase, ScalingResult } from "../workloads/scaling.js";
import { redisAloneCeiling, redisCpuPerDelivery, type StoreFanoutResult, type StoreMaxRateResult, type StoreResult } from "../workloads/redis-store.js";
import { formatBytes, formatMs, formatRate, formatRatio } from "./format.js";
import { section } from "./table.js";
import type { Skipped } from "./types.js";

const perSecond = (cpuSeconds: number, wallSeconds: number) => (wallSeconds > 0 ? (cpuSeconds / wallSeconds).toFixed(2) : "–");

/** Redis's CPU per delivery in µs, and the ratio Redis's CPU alone would allow (see `redisAloneCeiling`). */
function redisCells(row: StoreFanoutResult | StoreMaxRateResult, memory: StoreFanoutResult | StoreMaxRateResult | undefined): string[] {
  const perDelivery = redisCpuPerDelivery(row);
  const ceiling = memory === undefined ? undefined : redisAloneCeiling(row, memory);
  return [perDelivery === undefined ? "–" : (perDelivery * 1e6).toFixed(1), ceiling === undefined ? "–" : formatRatio(ceiling)];
}

/**
 * The Redis store against the memory store on one node: keyed fan-out and the keyed 1:1
 * maximum rate, with Redis's CPU counted beside the relay's.
 *
 * @example
 * const text = store(report.store);
 */
export function store(result: StoreResult | Skipped | undefined): string {
  if (result === undefined) return "";
  const heading = "#### One node on Redis (PIGEON_STORE=redis) against the memory store, keyed members";
  if ("skipped" in result) return `${heading}\n\nSkipped: ${result.skipped}`;
  const fanoutRows = result.fanout.map((row) => {
    const memory = result.fanout.find((other) => other.store === "memory" && other.fanout.roomSize === row.fanout.roomSize);
    const { fanout } = row;
    return [
      `fan-out ${String(fanout.roomSize)} × ${String(fanout.rooms)}`,
      row.store,
      formatRate(fanout.deliveriesPerCpuSecond),
      formatRate(row.deliveriesPerCpuSecondWithRedis),
      memory ? formatRatio(row.deliveriesPerCpuSecondWithRedis / memory.deliveriesPerCpuSecondWithRedis) : "–",
      formatRate(fanout.delivered / fanout.wallSeconds),
      fanout.serverUtilization.toFixed(2),
      fanout.redisCpuSeconds === undefined ? "–" : perSecond(fanout.redisCpuSeconds, fanout.wallSeconds),
      ...redisCells(row, memory),
      `${formatMs(fanout.latency.p50Ms)} / ${formatMs(fanout.latency.p99Ms)}`,
      `${String(fanout.delivered)}/${String(fanout.expected)}`,
    ];
  });
  const maxRows = result.maxRate.map((row) => {
    const memory = result.maxRate.find((other) => other.store === "memory");
    const { maxRate } = row;
    return [
      "1:1 maximum rate, closed loop",
      row.store,
      formatRate((2 * maxRate.messagesPerSecond) / Math.max(maxRate.serverUtilization, 1e-9)),
      formatRate(row.deliveriesPerCpuSecondWithRedis),
      memory ? formatRatio(row.deliveriesPerCpuSecondWithRedis / memory.deliveriesPerCpuSecondWithRedis) : "–",
      `${formatRate(2 * maxRate.messagesPerSecond)} (${formatRate(maxRate.messagesPerSecond)} msg/s)`,
      maxRate.serverUtilization.toFixed(2),
      maxRate.redisCpuSeconds === undefined ? "–" : perSecond(maxRate.redisCpuSeconds, maxRate.wallSeconds),
      ...redisCells(row, memory),
      "–",
      "–",
    ];
  });
  return section(
    heading,
    [
      "row",
      "store",
      "deliveries per relay CPU-s",
      "deliveries per CPU-s, relay + Redis",
      "vs memory (relay + Redis)",
      "deliveries/s",
      "relay CPU use",
      "Redis CPU use",
      "Redis CPU-µs per delivery",
      "ceiling: Redis's CPU alone",
      "probe latency p50 / p99 ms",
      "delivered",
    ],
    [...fanoutRows, ...maxRows],
    "One Pigeon node, same keyed members and offered load on each store (fan-out: the fan-out workload's; 1:1: as much as it carries), " +
      "memory and Redis alternating. Redis CPU is the redis-server process's (/proc) over the same window; it is the machine's shared Redis, " +
      "so other work on it counts too, and it floats over both cores. The ceiling is what \"vs memory\" would be if the relay cost no more on Redis " +
      "than on the memory store, Redis's own CPU alone added: no work in the relay can pass it, only less work in Redis per message." +
      (result.redisCpuMeasured ? "" : " **Redis is not on this machine: its CPU could not be read, so relay + Redis is the relay's alone.**"),
  );
}

/**
 * The scaling rows: one very large room (Pigeon and bare socket.io) and idle connections at
 * scale, with where the ramp stopped when it fell short.
 *
 * @example
 * const text = scaling(report.scaling);
 */
export function scaling(result: ScalingResult | Skipped | undefined): string {
  if (result === undefined) return "";
  if ("skipped" in result) return `#### Scaling: one very large room, idle connections at scale\n\nSkipped: ${result.skipped}`;
  return [bigRoom(result.bigRoom), idleAtScale(result.idle)].filter((text) => text !== "").join("\n\n");
}

function bigRoom(results: ScalingResult["bigRoom"]): string {
  const measured = results.filter((result): result is FanoutResult => !("failure" in result));
  const first = measured[0];
  if (!first) return results.map((result) => ("failure" in result ? failedRow(result) : "")).join("\n");
  const bare = measured.find((result) => result.server === "socketio" && result.mode === "guest");
  return section(
    `#### One room of ${String(first.roomSize)}: fan-out (${formatRate(first.messagesPerSecond * first.roomSize)} deliveries/s offered) and filling it`,
    ["server", "members", "deliveries per server CPU-s", "vs bare", "server CPU use", "probe latency p50 / p99 ms", "delivered", "filling the room", "received while filling"],
    results.map((result) =>
      "failure" in result
        ? [SERVER_LABELS[result.server], modeLabel(result.mode), `failed: ${result.failure}`, "–", "–", "–", "–", "–", "–"]
        : [
            SERVER_LABELS[result.server],
            modeLabel(result.mode),
            formatRate(result.deliveriesPerCpuSecond),
            bare ? formatRatio(result.deliveriesPerCpuSecond / bare.deliveriesPerCpuSecond) : "–",
            result.serverUtilization.toFixed(2),
            `${formatMs(result.latency.p50Ms)} / ${formatMs(result.latency.p99Ms)}`,
            `${String(result.delivered)}/${String(result.expected)}`,
            `${result.setupSeconds.toFixed(1)} s`,
            formatBytes(result.setupBytes),
          ],
    ),
    "Full profile only. Filling the room: connecting, logging in and joining every member, 100 at a time; the last column is what the thin members received meanwhile (for Pigeon, the member list each joiner gets and the batched member changes). A case that failed says why; the others ran all the same.",
  );
}

function failedRow(result: FailedCase): string {
  return `One room: ${SERVER_LABELS[result.server]} (${modeLabel(result.mode)}) failed: ${result.failure}`;
}

function modeLabel(mode: FanoutResult["mode"]): string {
  return mode === "guest" ? "guests" : mode;
}

function idleAtScale(results: ScalingResult["idle"]): string {
  const first = results[0];
  if (!first) return "";
  const bare = results.find((result) => result.server === "socketio");
  return section(
    `#### Idle connections at scale: ${String(first.target)} asked for (guests in rooms of 10, after GC)`,
    ["server", "connections reached", "RSS per connection", "vs bare", "heap per connection", "heap vs bare", "ramp", "server CPU per connection", "stopped because"],
    results.map((result) => [
      SERVER_LABELS[result.server],
      `${String(result.reached)} from ${String(result.sourceAddresses.length)} source address${result.sourceAddresses.length === 1 ? "" : "es"}`,
      formatBytes(result.rssPerConnectionBytes),
      bare ? formatRatio(result.rssPerConnectionBytes / bare.rssPerConnectionBytes) : "–",
      formatBytes(result.heapPerConnectionBytes),
      bare ? formatRatio(result.heapPerConnectionBytes / bare.heapPerConnectionBytes) : "–",
      `${result.rampSeconds.toFixed(1)} s`,
      `${result.serverCpuMsPerConnection.toFixed(3)} ms`,
      result.stoppedBecause ?? "–",
    ]),
    "Full profile only. Connections come from 127.0.0.2, .3, ... (each loopback source address has about 28k ephemeral ports, shared with anything else bound there); " +
      "the ramp stops below the open-files limits of the server and the harness (read from /proc) or at the first setup that fails, and says which.",
  );
}

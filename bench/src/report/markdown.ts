import { SERVER_LABELS, type ServerKind } from "../servers/kinds.js";
import type { FanoutResult } from "../workloads/fanout.js";
import { clientBound } from "../workloads/one-to-one.js";
import { formatBytes, formatMs, formatRate, formatRatio } from "./format.js";
import { encryptedFanout, mlsClient } from "./mls-markdown.js";
import { costs } from "./costs-markdown.js";
import { scaling, store } from "./scaling-markdown.js";
import { section } from "./table.js";
import type { BenchReport } from "./types.js";

/**
 * The run as markdown: what ran where, the targets, then one table per workload. The README
 * carries the latest of these.
 *
 * @example
 * writeFileSync("results/quick.md", toMarkdown(report));
 */
export function toMarkdown(report: BenchReport): string {
  return [
    header(report),
    targets(report),
    fanout(report),
    encryptedFanout(report.fanout),
    oneToOne(report),
    idleMemory(report),
    drain(report),
    scaleOut(report),
    store(report.store),
    scaling(report.scaling),
    costs(report.costs),
    mlsClient(report.mlsClient),
  ]
    .filter((section) => section !== "")
    .join("\n\n")
    .concat("\n");
}

// A load average above this per core (besides the run's own) means other work shared the machine.
const BUSY_LOAD_PER_CORE = 0.5;

function header({ profile, profiled, startedAt, durationSeconds, machine, versions, timerStallsMs }: BenchReport): string {
  const busiest = Math.max(machine.loadAverage, machine.loadAverageAtEnd ?? 0);
  // The run itself keeps about one core busy, so the bar is higher at the end than at the start.
  const busy =
    machine.loadAverage > machine.cores * BUSY_LOAD_PER_CORE || (machine.loadAverageAtEnd ?? 0) > machine.cores * BUSY_LOAD_PER_CORE + 1
      ? `\n\n**The machine was busy (load average up to ${busiest.toFixed(1)} on ${String(machine.cores)} cores): other work shared the cores, so latencies are unreliable and ratios noisy; run again when it is idle.**`
      : "";
  const stalls = Object.entries(timerStallsMs)
    .map(([core, ms]) => `core ${core}: ${ms.toFixed(1)} ms`)
    .join(", ");
  return [
    `### Pigeon benchmark, ${profile} profile, ${startedAt.slice(0, 16).replace("T", " ")} UTC`,
    "",
    `${machine.cpuModel}, ${String(machine.cores)} cores, ${formatBytes(machine.memoryBytes)}, Linux ${machine.kernel}; ` +
      `${machine.placement}; load average ${machine.loadAverage.toFixed(2)} at start, ${(machine.loadAverageAtEnd ?? Number.NaN).toFixed(2)} at end; longest idle timer stall ${stalls}. ` +
      `Node ${versions.node}, socket.io ${versions.socketIo} (engine.io ${versions.engineIo}, ws ${versions.wsInSocketIo}), ` +
      `ws ${versions.ws} for the ceiling, Pigeon ${versions.pigeon} at ${versions.commit}. ${durationSeconds.toFixed(0)} s.` +
      (profiled ? " **Pigeon ran under --cpu-prof: its figures are a few per cent low.**" : "") +
      busy,
  ].join("\n");
}

function targets({ targets: checks }: BenchReport): string {
  if (checks.length === 0) return "";
  return section(
    "#### Targets (ratios within this run, or times)",
    ["target", "measured", "ratio or time", "met"],
    checks.map((check) => [
      check.target,
      check.measured,
      check.unit === "seconds" ? `${check.value.toFixed(3)} s` : formatRatio(check.value),
      check.met ? "yes" : "**no**",
    ]),
  );
}

function fanout({ fanout: results }: BenchReport): string {
  if (results.length === 0) return "";
  const find = (server: ServerKind, mode: FanoutResult["mode"], size: number) =>
    results.find((result) => result.server === server && result.mode === mode && result.roomSize === size);
  const sizes = [...new Set(results.map((result) => result.roomSize))].sort((a, b) => a - b);
  const rows: string[][] = [];
  for (const mode of ["guest", "keyed", "encrypted"] as const) {
    for (const size of sizes) {
      const pigeon = find("pigeon", mode, size);
      const bare = find("socketio", "guest", size);
      const raw = find("rawws", "guest", size);
      if (!pigeon) continue;
      const efficiency = (result: FanoutResult | undefined) => (result ? formatRate(result.deliveriesPerCpuSecond) : "–");
      const ratio = (other: FanoutResult | undefined) => (other ? formatRatio(pigeon.deliveriesPerCpuSecond / other.deliveriesPerCpuSecond) : "–");
      const io = (result: FanoutResult | undefined) =>
        result ? `${result.writeCallsPerDelivery.toFixed(2)}, ${result.bytesPerDelivery.toFixed(0)} B` : "–";
      const latency = (result: FanoutResult | undefined) =>
        result ? `${formatMs(result.latency.p50Ms)} / ${formatMs(result.latency.p99Ms)}` : "–";
      rows.push([
        `${String(size)} × ${String(pigeon.rooms)}`,
        mode === "guest" ? "guests" : mode,
        efficiency(pigeon),
        efficiency(bare),
        efficiency(raw),
        ratio(bare),
        ratio(raw),
        `${pigeon.serverUtilization.toFixed(2)} / ${bare ? bare.serverUtilization.toFixed(2) : "–"}`,
        `${io(pigeon)} / ${io(bare)}`,
        `${latency(pigeon)} (bare ${latency(bare)})`,
        `${String(pigeon.delivered)}/${String(pigeon.expected)}`,
        `${pigeon.setupSeconds.toFixed(1)} s, ${formatBytes(pigeon.setupBytes)} / ${bare ? `${bare.setupSeconds.toFixed(1)} s, ${formatBytes(bare.setupBytes)}` : "–"}`,
      ]);
    }
  }
  const offered = results[0] ? formatRate(results[0].messagesPerSecond * results[0].roomSize) : "?";
  return section(
    `#### Room fan-out: deliveries per server CPU-second (${offered} deliveries/s offered to every server)`,
    [
      "room size × rooms",
      "Pigeon members",
      "Pigeon",
      "bare socket.io",
      "raw ws",
      "vs bare",
      "vs raw ws",
      "server CPU use (Pigeon / bare)",
      "writes and bytes per delivery (Pigeon / bare)",
      "probe latency p50 / p99 ms",
      "delivered",
      "filling the rooms (Pigeon / bare)",
    ],
    rows,
    "Keyed rows compare Pigeon with keyed members (signed logins, acks, the room log) against the same guest baselines, which do none of that; " +
      "encrypted rows are keyed members of encrypted rooms sending real MLS application messages (see below). " +
      "The last column is what the thin members received while the rooms filled: for Pigeon, its member-list updates.",
  );
}

function oneToOne({ oneToOne: results }: BenchReport): string {
  if (!results) return "";
  const bare = results.latency.find((result) => result.server === "socketio");
  const maxRates = results.maxRate
    .map(
      (result) =>
        `${SERVER_LABELS[result.server]}${result.mode === "guest" ? "" : ` (${result.mode} members)`} ${formatRate(result.messagesPerSecond)} msg/s (server CPU ${result.serverUtilization.toFixed(2)}` +
        `${result.serverUtilization < SATURATED ? ", not saturated: the client or the round trip was the limit" : ""})`,
    )
    .join("; ");
  return section(
    `#### 1:1 latency under load, open loop at ${formatRate(results.ratePerSecond)} msg/s (half of bare socket.io's maximum)`,
    ["server", "members", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "p99 vs bare", "server CPU use", "delivered", "sender lag ms"],
    results.latency.map((result) => [
      SERVER_LABELS[result.server],
      result.mode === "guest" ? "guests" : "keyed",
      formatMs(result.latency.p50Ms),
      formatMs(result.latency.p99Ms),
      formatMs(result.latency.p999Ms),
      formatMs(result.latency.maxMs),
      bare ? formatRatio(result.latency.p99Ms / bare.latency.p99Ms) : "–",
      result.serverUtilization.toFixed(2),
      `${String(result.delivered)}/${String(result.expected)}`,
      `${result.maxSendLagMs.toFixed(0)}${clientBound(result) ? " (client-bound: not the server's latency)" : ""}`,
    ]),
    `Maximum 1:1 rate, closed loop: ${maxRates}.${maxRateRatio(results.maxRate)}`,
  );
}

// A closed-loop run whose server used less CPU than this was limited by something else.
const SATURATED = 0.9;

function maxRateRatio(results: NonNullable<BenchReport["oneToOne"]>["maxRate"]): string {
  const pigeon = results.find((result) => result.server === "pigeon" && result.mode === "guest");
  const keyed = results.find((result) => result.server === "pigeon" && result.mode === "keyed");
  const bare = results.find((result) => result.server === "socketio");
  if (!bare) return "";
  const guests = pigeon
    ? ` Pigeon carries ${formatRatio(pigeon.messagesPerSecond / bare.messagesPerSecond)} of bare socket.io's rate: the inverse of its own cost per message.`
    : "";
  const keyedRatio = keyed
    ? ` With keyed members (signed logins, acked sends, the room log, cumulative acks) it carries ${formatRatio(keyed.messagesPerSecond / bare.messagesPerSecond)} of bare socket.io's guests' rate.`
    : "";
  return guests + keyedRatio;
}

function idleMemory({ idleMemory: results }: BenchReport): string {
  if (results.length === 0) return "";
  const bare = results.find((result) => result.server === "socketio");
  const connections = results[0]?.connections ?? 0;
  return section(
    `#### Idle memory per connection (${String(connections)} guests, each logged in and in a room of 10, after GC) and the connection ramp`,
    ["server", "RSS per connection", "vs bare", "heap per connection", "heap vs bare", "ramp: connections/s", "server CPU per connection", "setup p50 / p99 ms"],
    results.map((result) => [
      SERVER_LABELS[result.server],
      formatBytes(result.rssPerConnectionBytes),
      bare ? formatRatio(result.rssPerConnectionBytes / bare.rssPerConnectionBytes) : "–",
      formatBytes(result.heapPerConnectionBytes),
      bare ? formatRatio(result.heapPerConnectionBytes / bare.heapPerConnectionBytes) : "–",
      formatRate(result.ramp.connectionsPerSecond),
      `${result.ramp.serverCpuMsPerConnection.toFixed(3)} ms`,
      `${formatMs(result.ramp.setupLatency.p50Ms)} / ${formatMs(result.ramp.setupLatency.p99Ms)}`,
    ]),
    "Per connection: growth from the empty server, after GC, once RSS has settled (V8 and malloc hand pages back over several seconds); the heap figure is V8's heap used, steadier than RSS.",
  );
}

function drain({ drain: results }: BenchReport): string {
  if (results.length === 0) return "";
  return section(
    "#### Offline drain (Pigeon, keyed members)",
    ["members back at once", "held for each", "until all caught up", "delivered", "server CPU", "other frames (member lists…)"],
    results.map((result) => [
      String(result.members),
      String(result.heldPerMember),
      `${result.seconds.toFixed(3)} s${result.complete ? "" : " (incomplete)"}`,
      String(result.delivered),
      `${result.serverCpuSeconds.toFixed(2)} s`,
      `${String(result.otherFrames)} (${formatBytes(result.otherBytes)})`,
    ]),
  );
}

function scaleOut({ scaleOut: results }: BenchReport): string {
  if ("skipped" in results) return `#### Scale-out\n\nSkipped: ${results.skipped}`;
  if (results.length === 0) return "";
  const single = results.find((result) => result.nodes === 1);
  return section(
    "#### Scale-out: Pigeon nodes on one Redis (PIGEON_STORE=redis), rooms spanning every node, closed loop",
    ["nodes", "deliveries/s", "vs 1 node", "deliveries per node CPU-s", "node CPU use", "Redis CPU"],
    results.map((result) => [
      String(result.nodes),
      formatRate(result.deliveriesPerSecond),
      single ? formatRatio(result.deliveriesPerSecond / single.deliveriesPerSecond) : "–",
      formatRate(result.deliveriesPerCpuSecond),
      (result.serverCpuSeconds / result.wallSeconds).toFixed(2),
      result.redisCpuSeconds === undefined ? "–" : (result.redisCpuSeconds / result.wallSeconds).toFixed(2),
    ]),
    "Every node is pinned to the one server core (the other runs the clients), so more nodes cannot add capacity here: the figure shows what spreading rooms over nodes through Redis costs. Redis is the shared one and floats over both cores.",
  );
}

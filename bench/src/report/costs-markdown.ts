import type { CostsResult, StoreCosts, StoreUnits } from "../workloads/costs.js";
import type { UnitCost } from "../workloads/costs-units.js";
import { formatBytes } from "./format.js";
import { section } from "./table.js";
import type { Skipped } from "./types.js";

const UNIT_LABELS: Readonly<Record<keyof StoreUnits, string>> = {
  connect: "connection set up",
  keyedLogin: "keyed login",
  guestLogin: "guest login",
  keyedJoin: "keyed join (room of 10)",
  guestJoin: "guest join (room of 10)",
  keyedMessage: "keyed message accepted",
  keyedDelivery: "keyed delivery",
  guestMessage: "guest message accepted",
  guestDelivery: "guest delivery",
  ack: "ack (one message)",
  idleConnectionSecond: "idle connection, per second",
  idleNodeSecond: "idle node, per second (Redis)",
  extraNodePerMessage: "each further node, per message",
};

const micros = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(1));

/**
 * The costs workload's unit costs: relay CPU and Redis per unit on each store, memory per unit,
 * and the check run; the calculator (`pnpm capacity`) reads the JSON, not this.
 *
 * @example
 * const text = costs(report.costs);
 */
export function costs(result: CostsResult | Skipped | undefined): string {
  if (result === undefined) return "";
  const heading = "#### Unit costs (`costs`): what `pnpm capacity` reads";
  if ("skipped" in result) return `${heading}\n\nSkipped: ${result.skipped}`;
  const byStore = new Map(result.stores.map((store) => [store.store, store]));
  const memory = byStore.get("memory");
  const redis = byStore.get("redis");
  const cell = (unit: UnitCost | undefined) => {
    if (unit === undefined) return "–";
    const range = unit.relayCpuMicrosRange ? ` (${micros(unit.relayCpuMicrosRange[0])}–${micros(unit.relayCpuMicrosRange[1])})` : "";
    return `${micros(unit.relayCpuMicros)}${range}`;
  };
  const rows = (Object.keys(UNIT_LABELS) as (keyof StoreUnits)[]).map((key) => {
    const onRedis = redis?.units[key];
    return [
      UNIT_LABELS[key],
      cell(memory?.units[key]),
      cell(onRedis),
      onRedis?.redis ? onRedis.redis.calls.toFixed(2) : "–",
      onRedis?.redis ? `${onRedis.redis.netInputBytes.toFixed(0)} / ${onRedis.redis.netOutputBytes.toFixed(0)}` : "–",
      onRedis?.redis ? micros(onRedis.redis.cpuMicros) : "–",
    ];
  });
  const cpu = section(
    heading,
    ["unit", "relay µs, memory store", "relay µs, Redis store", "Redis calls", "Redis bytes in / out", "Redis CPU µs"],
    rows,
    `Relay CPU per unit in microseconds (every node's threads, /proc/PID/task/*/schedstat); in brackets the lowest and highest of ${String(result.settings.rounds)} rounds. ` +
      `Redis (${result.redis === "private" ? "a redis-server of the run's own, so its counters are the relay's alone" : "the shared one: its counters include other work"}) from INFO commandstats (calls inside Lua scripts counted too), stats and cpu.` +
      incompleteNote(result.stores),
  );
  const memoryRows = result.stores.map((store) => [
    store.store,
    formatBytes(store.memory.nodeBaseRssBytes),
    bytesCell(store.memory.keyedConnection),
    bytesCell(store.memory.keyedMembership),
    bytesCell(store.memory.guest),
    bytesCell(store.memory.held.overheadBytes),
    `${store.memory.held.perTextByte.relayBytes.toFixed(2)}${store.memory.held.perTextByte.redisBytes === undefined ? "" : ` / ${store.memory.held.perTextByte.redisBytes.toFixed(2)}`}`,
  ]);
  const memoryTable = section(
    "#### Memory per unit (relay RSS / Redis used_memory, after GC)",
    ["store", "node, empty", "keyed connection", "keyed membership", "guest (connection + room)", "held message, fixed", "held, per text byte"],
    memoryRows,
  );
  return [cpu, memoryTable, check(result)].filter((part) => part !== "").join("\n\n");
}

function bytesCell(unit: { relayBytes: number; redisBytes?: number }): string {
  return `${formatBytes(unit.relayBytes)}${unit.redisBytes === undefined ? "" : ` / ${formatBytes(unit.redisBytes)}`}`;
}

function incompleteNote(stores: readonly StoreCosts[]): string {
  const incomplete = stores.flatMap((store) => store.incomplete.map((step) => `${store.store}: ${step}`));
  return incomplete.length === 0 ? "" : ` **Deliveries missing in: ${incomplete.join(", ")}.**`;
}

function check(result: CostsResult): string {
  const { check: run } = result;
  if (run === undefined) return "";
  return section(
    `#### Check run: ${String(run.nodes)} nodes on one Redis, ${String(run.rooms)} rooms of ${String(run.roomSize)} guests (\`pnpm capacity --check\` predicts it)`,
    ["loop", "messages/s", "deliveries/s", "relay CPU-s/s", "Redis CPU-s/s", "relay RSS (empty → loaded)", "Redis memory growth"],
    run.windows.map((window) => [
      window.loop === "open" ? `open, ${String(window.offeredPerSecond ?? "")}/s offered` : "closed (messages kept in flight)",
      (window.messages / window.wallSeconds).toFixed(0),
      (window.deliveries / window.wallSeconds).toFixed(0),
      (window.relayCpuSeconds / window.wallSeconds).toFixed(2),
      (window.redisCpuSeconds / window.wallSeconds).toFixed(3),
      `${formatBytes(run.relayRssEmptyBytes)} → ${formatBytes(run.relayRssBytes)}`,
      formatBytes(run.redisUsedBytes),
    ]),
  );
}

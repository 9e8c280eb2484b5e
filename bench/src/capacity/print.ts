import type { Figure, Plan, Sizing, Term } from "./model.js";
import type { Traffic } from "./traffic.js";

/** Where the unit costs came from, for the heading. */
export interface Provenance {
  readonly path: string;
  readonly profile: string;
  readonly startedAt: string;
  readonly redis: string;
}

/**
 * Bytes in B, KiB, MiB, GiB or TiB.
 *
 * @example
 * formatBytes(1536) // "1.5 KiB"
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value.toFixed(0) : value.toFixed(value >= 100 ? 0 : 1)} ${units[unit] ?? "B"}`;
}

/** A count with thousands separators, small ones with up to 3 significant digits. */
export function formatCount(value: number): string {
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  return value.toLocaleString("en-US", { maximumSignificantDigits: 3 });
}

function formatNeed(figure: Figure): string {
  if (figure.needUnit === "cores") return `${formatCount(figure.need)} CPU-s/s`;
  if (figure.needUnit === "bytes/s") return `${formatBytes(figure.need)}/s`;
  return formatBytes(figure.need);
}

function termLine(term: Term): string {
  const cost = term.unit === "µs" ? `${formatCount(term.cost)} µs` : `${formatCount(term.cost)} B`;
  return `      ${formatCount(term.count)} ${term.what} × ${cost}   [${term.source}]`;
}

function figureLines(figure: Figure): string[] {
  const lines = figure.terms.map(termLine);
  if (figure.fixed) lines.push(`      + ${figure.fixed.what}: ${formatBytes(figure.fixed.amount)}   [${figure.fixed.source}]`);
  return lines;
}

function sizingText(sizing: Sizing): string {
  const others = Object.entries(sizing.byLimit)
    .map(([limit, count]) => `${limit} ${String(count)}`)
    .join(", ");
  return `limited by ${sizing.limitedBy} (${others})`;
}

/**
 * The plan as the calculator prints it: the traffic, where the unit costs came from, the tier,
 * then each figure with its need, the headroom it keeps, and every term with its unit cost and
 * that cost's place in the results JSON.
 *
 * @example
 * process.stdout.write(formatPlan(plan, traffic, provenance));
 */
export function formatPlan(plan: Plan, traffic: Traffic, provenance: Provenance): string {
  const { load } = plan;
  const pct = (share: number) => `${(share * 100).toFixed(0)}%`;
  const out: string[] = [];
  out.push(`Pigeon capacity for ${formatCount(traffic.users)} users`);
  out.push(
    `  traffic: ${formatCount(load.onlineUsers)} online (${pct(traffic.online)}), ${formatCount(load.messagesPerSecond)} messages/s, rooms of ${String(traffic.roomSize)} ` +
      `(${String(traffic.roomsPerUser)} per user), ${pct(load.away)} of members away, ${pct(traffic.guests)} guests, ${String(traffic.messageBytes)}-character texts`,
  );
  out.push(
    `  per second: ${formatCount(load.keyedDeliveriesPerSecond + load.guestDeliveriesPerSecond)} deliveries, ${formatCount(load.acksPerSecond)} acks (batched as the SDK does), ${formatCount(load.loginsPerSecond)} logins, ${formatCount(load.joinsPerSecond)} joins; ` +
      `${formatCount(load.heldMessages)} messages held${load.heldCapped ? " (capped by --max-room-entries)" : ""}`,
  );
  out.push(`  unit costs: ${provenance.path} (${provenance.profile} profile, run ${provenance.startedAt}, store ${plan.store}, Redis ${provenance.redis})`);
  out.push(`  tier: ${plan.tier}${plan.tierReason ? ` (${plan.tierReason})` : ""}`);
  out.push("");
  const cpuKept = `${pct(traffic.cpuHeadroom)} kept free (--cpu-headroom ${String(traffic.cpuHeadroom)})`;
  const memKept = `${pct(traffic.memoryHeadroom)} kept free (--memory-headroom ${String(traffic.memoryHeadroom)})`;
  const cores = plan.relayCpu.need / (1 - traffic.cpuHeadroom);
  out.push(`relay cores    ${formatCount(cores)}   need ${formatNeed(plan.relayCpu)}, ${cpuKept}`);
  out.push(...figureLines(plan.relayCpu));
  out.push(`relay nodes    ${String(plan.nodes.count)}   one Node process per core; ${sizingText(plan.nodes)}; at most ${formatCount(traffic.connectionsPerNode)} connections and ${formatBytes(traffic.nodeMemory)} per node`);
  out.push(`relay memory   ${formatBytes(plan.relayMemory.need / (1 - traffic.memoryHeadroom))}   need ${formatNeed(plan.relayMemory)}, ${memKept}`);
  out.push(...figureLines(plan.relayMemory));
  out.push(`relay network  ${formatBytes(plan.relayNetwork.need)}/s out to clients (frames as measured at the client, no headroom)`);
  out.push(...figureLines(plan.relayNetwork));
  if (plan.redisCpu && plan.redisMemory && plan.redisNetwork && plan.shards) {
    out.push(`Redis shards   ${String(plan.shards.count)}   ${sizingText(plan.shards)}; a shard is one core (${cpuKept}), ${formatBytes(traffic.redisShardMemory)} (${memKept}), ${formatBytes(traffic.redisShardNetwork)}/s`);
    out.push(`Redis CPU      ${formatCount(plan.redisCpu.need / (1 - traffic.cpuHeadroom))} cores   need ${formatNeed(plan.redisCpu)}, ${cpuKept}`);
    out.push(...figureLines(plan.redisCpu));
    out.push(`Redis memory   ${formatBytes(plan.redisMemory.need / (1 - traffic.memoryHeadroom))}   need ${formatNeed(plan.redisMemory)}, ${memKept}`);
    out.push(...figureLines(plan.redisMemory));
    out.push(`Redis network  ${formatBytes(plan.redisNetwork.need)}/s in + out (relay ↔ Redis, pub/sub included; no headroom)`);
    out.push(...figureLines(plan.redisNetwork));
  }
  if (plan.roomCeiling) {
    const ceiling = plan.roomCeiling;
    out.push(
      `room ceiling   ${formatCount(ceiling.messagesPerSecond)} messages/s in one room of ${formatCount(ceiling.largestRoom)} (its keys and channel live on one shard; ${cpuKept}); ` +
        `this traffic offers it ${formatCount(ceiling.offeredPerSecond)}/s`,
    );
    out.push(...ceiling.terms.map(termLine));
  }
  for (const warning of plan.warnings) out.push(`warning: ${warning}`);
  return `${out.join("\n")}\n`;
}

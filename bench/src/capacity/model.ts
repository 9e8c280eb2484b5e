import type { StoreCosts, UnitCost } from "./costs-file.js";
import type { Traffic } from "./traffic.js";

/** One term of a figure: how many per second (or in all) times what one costs, and where that cost came from. */
export interface Term {
  readonly what: string;
  readonly count: number;
  /** The unit cost, in `unit`. */
  readonly cost: number;
  readonly unit: "µs" | "B";
  /** Where in the results JSON: `costs.stores[redis].units.keyedMessage.relayCpuMicros`. */
  readonly source: string;
}

/** One figure the calculator prints. */
export interface Figure {
  readonly label: string;
  /** What is needed with no headroom: CPU-seconds per second, bytes, bytes per second. */
  readonly need: number;
  readonly needUnit: "cores" | "bytes" | "bytes/s";
  readonly terms: readonly Term[];
  /** A fixed part beside the terms (per-node base memory), in needUnit. */
  readonly fixed?: { readonly what: string; readonly amount: number; readonly source: string };
}

/** What the traffic comes to, per second at the peak, and in all. */
export interface Load {
  readonly onlineUsers: number;
  readonly messagesPerSecond: number;
  readonly keyedMessagesPerSecond: number;
  readonly guestMessagesPerSecond: number;
  readonly keyedDeliveriesPerSecond: number;
  readonly guestDeliveriesPerSecond: number;
  readonly acksPerSecond: number;
  readonly loginsPerSecond: number;
  readonly joinsPerSecond: number;
  readonly away: number;
  /** Members of a room online when a message is sent, its sender included. */
  readonly onlineMembers: number;
  /** Nodes a room's online members are on, on average (1 with one node). */
  readonly spannedNodes: number;
  readonly memberships: number;
  readonly heldMessages: number;
  /** Whether the rooms' entry cap bounds the held messages rather than the retention. */
  readonly heldCapped: boolean;
}

/** What sizes the relay tier or the Redis tier, and which of its limits binds. */
export interface Sizing {
  readonly count: number;
  readonly limitedBy: string;
  /** Each limit's count, so the reader sees how close the others are. */
  readonly byLimit: Readonly<Record<string, number>>;
}

/** The calculator's answer. */
export interface Plan {
  readonly tier: string;
  /** Why not a smaller tier: what one node with the memory store ran out of. */
  readonly tierReason?: string;
  readonly store: "memory" | "redis";
  readonly load: Load;
  readonly relayCpu: Figure;
  readonly relayMemory: Figure;
  readonly relayNetwork: Figure;
  readonly nodes: Sizing;
  readonly redisCpu?: Figure;
  readonly redisMemory?: Figure;
  readonly redisNetwork?: Figure;
  readonly shards?: Sizing;
  /** The most messages per second one room can take: all of a room's keys and its channel are on one shard. */
  readonly roomCeiling?: { readonly largestRoom: number; readonly messagesPerSecond: number; readonly offeredPerSecond: number; readonly terms: readonly Term[] };
  readonly warnings: readonly string[];
}

/** Unit costs by store, as the results file gives them. */
export interface CostsByStore {
  memory(): StoreCosts | undefined;
  redis(): StoreCosts | undefined;
}

/** A plan cannot be made from these costs. */
export class PlanError extends Error {
  override readonly name = "PlanError";
}

const NODE_ITERATIONS = 8;
// Below this much CPU per node, the check run measured up to twice the unit costs (see docs/capacity.md).
const TRICKLE_CORES_PER_NODE = 0.1;

/**
 * Sizes a deployment for `traffic` from measured unit costs: relay cores and nodes, relay
 * memory, and on Redis its CPU, memory, network and shards. With `store: "auto"` it stays on one
 * node with the memory store while that node's CPU, memory and connection budgets hold, and goes
 * to N nodes on Redis (one Redis, or a Redis Cluster when one shard is not enough) otherwise.
 *
 * @example
 * const plan = planCapacity(parseTraffic({ users: "50" }), { memory: () => memoryCosts, redis: () => redisCosts });
 */
export function planCapacity(traffic: Traffic, costs: CostsByStore): Plan {
  if (traffic.store !== "redis") {
    const memory = costs.memory();
    if (memory === undefined) {
      if (traffic.store === "memory") throw new PlanError("the results have no memory-store costs");
    } else {
      const plan = planOn("memory", memory, traffic, 1);
      const fits = plan.nodes.count <= 1;
      if (traffic.store === "memory") {
        return fits ? plan : { ...plan, warnings: [...plan.warnings, `one node with the memory store cannot carry this (${plan.nodes.limitedBy} needs ${String(plan.nodes.count)} nodes): use --store redis`] };
      }
      if (fits) return plan;
    }
  }
  const redis = costs.redis();
  if (redis === undefined) throw new PlanError("this traffic needs more than one node, and the results have no Redis costs (run the costs workload with a Redis)");
  const memory = traffic.store === "auto" ? costs.memory() : undefined;
  const single = memory === undefined ? undefined : planOn("memory", memory, traffic, 1);
  const tierReason = single === undefined ? undefined : `one node with the memory store would need ${String(single.nodes.count)} nodes' worth of ${single.nodes.limitedBy}`;
  return { ...planOn("redis", redis, traffic), ...(tierReason ? { tierReason } : {}) };
}

function planOn(store: "memory" | "redis", costs: StoreCosts, traffic: Traffic, fixedNodes?: number): Plan {
  let nodes = fixedNodes ?? traffic.nodes ?? 1;
  let plan = planWith(store, costs, traffic, nodes);
  if (fixedNodes !== undefined || traffic.nodes !== undefined) return plan;
  // More nodes spread each room over more of them, which costs a little per node: settle on a count.
  for (let round = 0; round < NODE_ITERATIONS && plan.nodes.count !== nodes; round += 1) {
    nodes = Math.max(nodes, plan.nodes.count);
    plan = planWith(store, costs, traffic, nodes);
  }
  return plan;
}

function planWith(store: "memory" | "redis", costs: StoreCosts, traffic: Traffic, nodes: number): Plan {
  const load = loadOf(traffic, store === "redis" ? nodes : 1);
  const { units, memory } = costs;
  const src = (path: string) => `costs.stores[${store}].${path}`;
  const warnings: string[] = [];
  const cpuTerm = (what: string, count: number, key: keyof StoreCosts["units"]): Term | undefined => {
    const unit = units[key];
    if (unit === undefined) {
      warnings.push(`no ${key} cost in the results: left out`);
      return undefined;
    }
    return { what, count, cost: atLeastZero(unit.relayCpuMicros), unit: "µs", source: src(`units.${key}.relayCpuMicros`) };
  };
  const q = 1 - traffic.guests;
  const cpuTerms = [
    cpuTerm("keyed messages accepted/s", load.keyedMessagesPerSecond, "keyedMessage"),
    cpuTerm("keyed deliveries/s", load.keyedDeliveriesPerSecond, "keyedDelivery"),
    cpuTerm("acks/s", load.acksPerSecond, "ack"),
    cpuTerm("guest messages accepted/s", load.guestMessagesPerSecond, "guestMessage"),
    cpuTerm("guest deliveries/s", load.guestDeliveriesPerSecond, "guestDelivery"),
    cpuTerm("connections/s", load.loginsPerSecond, "connect"),
    cpuTerm("keyed logins/s", load.loginsPerSecond * q, "keyedLogin"),
    cpuTerm("guest logins/s", load.loginsPerSecond * (1 - q), "guestLogin"),
    cpuTerm("keyed joins/s", load.joinsPerSecond * q, "keyedJoin"),
    cpuTerm("guest joins/s", load.joinsPerSecond * (1 - q), "guestJoin"),
    cpuTerm("connections held open (pings), per second", load.onlineUsers, "idleConnectionSecond"),
    ...(store === "redis" && load.spannedNodes > 1
      ? [cpuTerm("messages/s × further nodes per room", load.messagesPerSecond * (load.spannedNodes - 1), "extraNodePerMessage")]
      : []),
  ].filter((term): term is Term => term !== undefined && term.count > 0);
  const relayCpu: Figure = { label: "relay CPU", need: sumMicros(cpuTerms), needUnit: "cores", terms: cpuTerms };

  const membershipsInRelay = store === "memory" ? traffic.users * q * traffic.roomsPerUser : load.onlineUsers * q * traffic.roomsPerUser;
  const heldRelay = atLeastZero(memory.held.overheadBytes.relayBytes + traffic.messageBytes * memory.held.perTextByte.relayBytes);
  const memoryTerms: Term[] = [
    { what: "keyed connections", count: load.onlineUsers * q, cost: atLeastZero(memory.keyedConnection.relayBytes), unit: "B" as const, source: src("memory.keyedConnection.relayBytes") },
    { what: "guests (connection and room)", count: load.onlineUsers * (1 - q), cost: atLeastZero(memory.guest.relayBytes), unit: "B" as const, source: src("memory.guest.relayBytes") },
    {
      what: store === "memory" ? "keyed memberships (all users: the store is in the node)" : "keyed memberships of online users",
      count: membershipsInRelay,
      cost: atLeastZero(memory.keyedMembership.relayBytes),
      unit: "B" as const,
      source: src("memory.keyedMembership.relayBytes"),
    },
    ...(store === "memory"
      ? [{ what: `held messages of ${String(traffic.messageBytes)} characters`, count: load.heldMessages, cost: heldRelay, unit: "B" as const, source: src("memory.held (overheadBytes + perTextByte × characters).relayBytes") }]
      : []),
  ].filter((term) => term.count > 0);
  const relayMemory: Figure = {
    label: "relay memory",
    need: sumBytes(memoryTerms) + nodes * memory.nodeBaseRssBytes,
    needUnit: "bytes",
    terms: memoryTerms,
    fixed: { what: `${String(nodes)} node(s) × empty node`, amount: nodes * memory.nodeBaseRssBytes, source: src("memory.nodeBaseRssBytes") },
  };
  const frameBytes = (kind: "keyed" | "guest") => costs.deliveryFrameBytes[kind] + traffic.messageBytes - 64;
  const networkTerms: Term[] = [
    { what: "keyed deliveries/s", count: load.keyedDeliveriesPerSecond, cost: frameBytes("keyed"), unit: "B" as const, source: src("deliveryFrameBytes.keyed (+ characters − 64)") },
    { what: "guest deliveries/s", count: load.guestDeliveriesPerSecond, cost: frameBytes("guest"), unit: "B" as const, source: src("deliveryFrameBytes.guest (+ characters − 64)") },
  ].filter((term) => term.count > 0);
  const relayNetwork: Figure = { label: "relay network out", need: sumBytes(networkTerms), needUnit: "bytes/s", terms: networkTerms };

  const cpuBudget = 1 - traffic.cpuHeadroom;
  const memoryBudget = traffic.nodeMemory * (1 - traffic.memoryHeadroom) - memory.nodeBaseRssBytes;
  if (memoryBudget <= 0) throw new PlanError(`--node-memory leaves nothing past an empty node (${formatCount(memory.nodeBaseRssBytes)} B) and the headroom`);
  const nodeCount = sizing({
    cpu: Math.ceil(relayCpu.need / cpuBudget - 1e-9),
    connections: Math.ceil(load.onlineUsers / traffic.connectionsPerNode - 1e-9),
    memory: Math.ceil((relayMemory.need - nodes * memory.nodeBaseRssBytes) / memoryBudget - 1e-9),
  });
  const fixedCount = store === "memory" ? 1 : traffic.nodes;
  if (fixedCount !== undefined && nodeCount.count > fixedCount) {
    warnings.push(`${String(fixedCount)} node(s) are not enough: ${nodeCount.limitedBy} needs ${String(nodeCount.count)}`);
  }
  const nodesSizing = fixedCount === undefined ? nodeCount : { ...nodeCount, count: Math.max(fixedCount, store === "memory" ? nodeCount.count : fixedCount) };

  const perNode = relayCpu.need / nodesSizing.count;
  if (perNode < TRICKLE_CORES_PER_NODE) {
    warnings.push(
      `each node would use ${perNode.toPrecision(2)} core: below ${String(TRICKLE_CORES_PER_NODE)}, the check measured up to 2× these unit costs (a trickle of messages pays a wake-up and cold caches each; see docs/capacity.md); the node count stands`,
    );
  }
  if (store === "memory") {
    return { tier: "one node, memory store", store, load, relayCpu, relayMemory, relayNetwork, nodes: nodesSizing, warnings };
  }
  const redisTerm = (what: string, count: number, key: keyof StoreCosts["units"], pick: (unit: NonNullable<UnitCost["redis"]>) => number, field: string): Term | undefined => {
    const unit = units[key]?.redis;
    return unit === undefined || count <= 0 ? undefined : { what, count, cost: atLeastZero(pick(unit)), unit: field === "cpuMicros" ? "µs" : "B", source: src(`units.${key}.redis.${field}`) };
  };
  const redisCounts: [string, number, keyof StoreCosts["units"]][] = [
    ["keyed messages accepted/s", load.keyedMessagesPerSecond, "keyedMessage"],
    ["keyed deliveries/s", load.keyedDeliveriesPerSecond, "keyedDelivery"],
    ["acks/s", load.acksPerSecond, "ack"],
    ["guest messages accepted/s", load.guestMessagesPerSecond, "guestMessage"],
    ["guest deliveries/s", load.guestDeliveriesPerSecond, "guestDelivery"],
    ["connections/s", load.loginsPerSecond, "connect"],
    ["keyed logins/s", load.loginsPerSecond * q, "keyedLogin"],
    ["guest logins/s", load.loginsPerSecond * (1 - q), "guestLogin"],
    ["keyed joins/s", load.joinsPerSecond * q, "keyedJoin"],
    ["guest joins/s", load.joinsPerSecond * (1 - q), "guestJoin"],
    ["messages/s × further nodes per room", load.messagesPerSecond * (load.spannedNodes - 1), "extraNodePerMessage"],
    ["nodes, per second with nothing sent", nodes, "idleNodeSecond"],
  ];
  const present = (terms: (Term | undefined)[]) => terms.filter((term): term is Term => term !== undefined && Math.abs(term.cost) > 0);
  const redisCpuTerms = present(redisCounts.map(([what, count, key]) => redisTerm(what, count, key, (unit) => unit.cpuMicros, "cpuMicros")));
  const redisNetTerms = present(
    redisCounts.map(([what, count, key]) => redisTerm(what, count, key, (unit) => unit.netInputBytes + unit.netOutputBytes, "netInputBytes + netOutputBytes")),
  );
  const heldRedis = atLeastZero((memory.held.overheadBytes.redisBytes ?? 0) + traffic.messageBytes * (memory.held.perTextByte.redisBytes ?? 0));
  const redisMemoryTerms: Term[] = [
    { what: "keyed identities (all users)", count: traffic.users * q, cost: atLeastZero(memory.keyedConnection.redisBytes ?? 0), unit: "B" as const, source: src("memory.keyedConnection.redisBytes") },
    { what: "keyed memberships (all users)", count: traffic.users * q * traffic.roomsPerUser, cost: atLeastZero(memory.keyedMembership.redisBytes ?? 0), unit: "B" as const, source: src("memory.keyedMembership.redisBytes") },
    { what: "guests online", count: load.onlineUsers * (1 - q), cost: atLeastZero(memory.guest.redisBytes ?? 0), unit: "B" as const, source: src("memory.guest.redisBytes") },
    { what: `held messages of ${String(traffic.messageBytes)} characters`, count: load.heldMessages, cost: heldRedis, unit: "B" as const, source: src("memory.held (overheadBytes + perTextByte × characters).redisBytes") },
  ].filter((term) => term.count > 0 && term.cost !== 0);
  const redisCpu: Figure = { label: "Redis CPU", need: sumMicros(redisCpuTerms), needUnit: "cores", terms: redisCpuTerms };
  const redisMemory: Figure = { label: "Redis memory", need: sumBytes(redisMemoryTerms), needUnit: "bytes", terms: redisMemoryTerms };
  const redisNetwork: Figure = { label: "Redis network (in + out)", need: sumBytes(redisNetTerms), needUnit: "bytes/s", terms: redisNetTerms };
  const shards = sizing({
    cpu: Math.ceil(redisCpu.need / cpuBudget - 1e-9),
    memory: Math.ceil(redisMemory.need / (traffic.redisShardMemory * (1 - traffic.memoryHeadroom)) - 1e-9),
    network: Math.ceil(redisNetwork.need / traffic.redisShardNetwork - 1e-9),
  });
  const roomCeiling = ceilingOf(traffic, load, costs, nodesSizing.count, cpuBudget, src);
  if (roomCeiling && roomCeiling.offeredPerSecond > roomCeiling.messagesPerSecond) {
    warnings.push(
      `the largest room (${String(roomCeiling.largestRoom)} members) would get ${roomCeiling.offeredPerSecond.toFixed(1)} messages/s, above the ${roomCeiling.messagesPerSecond.toFixed(0)}/s one Redis shard can take for one room: no number of shards helps one room`,
    );
  }
  const tier = shards.count <= 1 ? `${String(nodesSizing.count)} node(s) on one Redis` : `${String(nodesSizing.count)} nodes on a Redis Cluster of ${String(shards.count)} shards`;
  return { tier, store, load, relayCpu, relayMemory, relayNetwork, nodes: nodesSizing, redisCpu, redisMemory, redisNetwork, shards, ...(roomCeiling ? { roomCeiling } : {}), warnings };
}

/**
 * The traffic per second at the peak, and what is held in all. Every keyed member gets every
 * message (live, or replayed when back: a replay costs as a delivery does), and acks each; a
 * guest who is away is no member, so guest rooms deliver to the online members only.
 *
 * @example
 * loadOf(parseTraffic({ users: "100" }), 1).messagesPerSecond // 100 × 0.2 / 60
 */
export function loadOf(traffic: Traffic, nodes: number): Load {
  const onlineUsers = traffic.users * traffic.online;
  const away = traffic.away ?? 1 - traffic.online;
  const q = 1 - traffic.guests;
  const k = traffic.roomSize;
  const onlineMembers = Math.max(1, k * (1 - away));
  const messagesPerSecond = onlineUsers * traffic.rate;
  const keyedMessagesPerSecond = messagesPerSecond * q;
  const guestMessagesPerSecond = messagesPerSecond * (1 - q);
  const keyedDeliveriesPerSecond = keyedMessagesPerSecond * k;
  const roomMessagesPerSecond = onlineMembers * traffic.rate;
  const rooms = (traffic.users * traffic.roomsPerUser) / k;
  // A message waits while some member other than its sender is away.
  const waitsShare = 1 - (1 - away) ** (k - 1);
  const heldByRetention = keyedMessagesPerSecond * waitsShare * traffic.retention;
  const heldCap = rooms * q * traffic.maxRoomEntries;
  return {
    onlineUsers,
    messagesPerSecond,
    keyedMessagesPerSecond,
    guestMessagesPerSecond,
    keyedDeliveriesPerSecond,
    guestDeliveriesPerSecond: guestMessagesPerSecond * onlineMembers,
    acksPerSecond: keyedDeliveriesPerSecond * ackShare(roomMessagesPerSecond),
    loginsPerSecond: onlineUsers * traffic.logins,
    joinsPerSecond: onlineUsers * traffic.joins,
    away,
    onlineMembers,
    spannedNodes: spannedNodes(nodes, onlineMembers),
    memberships: traffic.users * traffic.roomsPerUser,
    heldMessages: Math.min(heldByRetention, heldCap),
    heldCapped: heldCap < heldByRetention,
  };
}

// The SDK acks within 100 ms of a quiet spell, then at most once a second or every 100 messages.
const ACKS_PER_MEMBER_SECOND = 1;
const MESSAGES_PER_ACK_AT_MOST = 100;

/**
 * Acks per delivery for a member of a room that gets `roomMessagesPerSecond`: one per message
 * while messages are a second or more apart, then about one a second, then one per 100 messages,
 * as the SDK batches them.
 *
 * @example
 * ackShare(0.1) // 1
 * ackShare(10) // 0.1
 */
export function ackShare(roomMessagesPerSecond: number): number {
  if (roomMessagesPerSecond <= ACKS_PER_MEMBER_SECOND) return 1;
  return Math.max(ACKS_PER_MEMBER_SECOND / roomMessagesPerSecond, 1 / MESSAGES_PER_ACK_AT_MOST);
}

/**
 * How many of `nodes` a room's `members` are on, on average, each member on a node at random
 * (as a load balancer places connections): n · (1 − (1 − 1/n)^members).
 *
 * @example
 * spannedNodes(3, 100) // ≈ 3
 */
export function spannedNodes(nodes: number, members: number): number {
  if (nodes <= 1) return 1;
  return nodes * (1 - (1 - 1 / nodes) ** members);
}

function ceilingOf(traffic: Traffic, load: Load, costs: StoreCosts, nodes: number, cpuBudget: number, src: (path: string) => string): Plan["roomCeiling"] {
  const { units } = costs;
  const largestRoom = traffic.largestRoom ?? traffic.roomSize;
  const online = Math.max(1, largestRoom * (1 - load.away));
  const q = 1 - traffic.guests;
  const terms: Term[] = [];
  const add = (what: string, count: number, key: keyof StoreCosts["units"]) => {
    const cost = units[key]?.redis?.cpuMicros;
    if (cost !== undefined && count > 0) terms.push({ what, count, cost: atLeastZero(cost), unit: "µs", source: src(`units.${key}.redis.cpuMicros`) });
  };
  add("keyed message", q, "keyedMessage");
  add("keyed deliveries", q * largestRoom, "keyedDelivery");
  add("acks", q * largestRoom * ackShare(online * traffic.rate), "ack");
  add("guest message", 1 - q, "guestMessage");
  add("guest deliveries", (1 - q) * online, "guestDelivery");
  add("further nodes", spannedNodes(nodes, online) - 1, "extraNodePerMessage");
  const perMessageMicros = terms.reduce((sum, term) => sum + term.count * term.cost, 0);
  if (perMessageMicros <= 0) return undefined;
  return { largestRoom, messagesPerSecond: (cpuBudget * 1e6) / perMessageMicros, offeredPerSecond: online * traffic.rate, terms };
}

function sizing(byLimit: Record<string, number>): Sizing {
  // The limit that needs the most; the first named wins a tie.
  const [limitedBy, most] = Object.entries(byLimit).reduce((best, entry) => (entry[1] > best[1] ? entry : best));
  return { count: Math.max(1, most), limitedBy, byLimit };
}

/**
 * A unit cost measured as a difference can come out a little below zero when the true cost is
 * near zero (Redis's work per delivery, say) and the machine is noisy: it counts as zero.
 */
function atLeastZero(cost: number): number {
  return Math.max(0, cost);
}

function sumMicros(terms: readonly Term[]): number {
  return terms.reduce((sum, term) => sum + term.count * term.cost, 0) / 1e6;
}

function sumBytes(terms: readonly Term[]): number {
  return terms.reduce((sum, term) => sum + term.count * term.cost, 0);
}

function formatCount(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

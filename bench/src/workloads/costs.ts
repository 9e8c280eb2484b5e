import { Redis } from "ioredis";
import { setTimeout as sleep } from "node:timers/promises";
import { CHAT_TEXT_LENGTH } from "../clients/payload.js";
import { startPigeon } from "../servers/pigeon.js";
import { startPrivateRedis } from "../servers/private-redis.js";
import type { ServerProcess } from "../servers/process.js";
import { redisAvailable, redisStoreEnv, withRedisRun } from "../servers/redis.js";
import { runCostsCheck, type CheckResult, type CheckSettings } from "./costs-check.js";
import {
  ackOneByOne,
  closeAll,
  connectClients,
  CostsRig,
  forEachClient,
  joinRooms,
  sendMessages,
  setUpGroup,
  type Group,
  type Reading,
} from "./costs-rig.js";
import { combine, heldMemory, memoryPerUnit, perUnit, splitMessageCost, sumReadings, type HeldMemory, type MemoryUnit, type UnitCost } from "./costs-units.js";
import type { StoreKind } from "./redis-store.js";

/** How many of each unit, how fast, how long. */
export interface CostsSettings {
  /** Keyed members logged in and joined to rooms of `roomSize` (logins, joins, memory); as many guests. */
  readonly connections: number;
  readonly roomSize: number;
  /**
   * The two room sizes that split a message's cost into a part per message and a part per
   * delivery (far apart, so that the per-delivery part stands out of the noise), and how many
   * members (keyed, and as many guests) fill rooms of each.
   */
  readonly pairSize: number;
  readonly pairConnections: number;
  readonly largeRoomSize: number;
  readonly largeConnections: number;
  /** Messages per second into the pairs (open loop), and into the large rooms (fewer: each is many deliveries). */
  readonly messagesPerSecond: number;
  readonly largeMessagesPerSecond: number;
  readonly measureMs: number;
  /** Rounds of the message steps, kinds and sizes interleaved. */
  readonly rounds: number;
  /** Acks each keyed member of the rooms of `roomSize` sends, one message each. */
  readonly acksPerMember: number;
  /** Held messages of this text length, beside the 64-character ones, give memory per text byte. */
  readonly bigTextLength: number;
  readonly bigMessages: number;
  /** Idle time between GC'd memory readings (see settledMemory). */
  readonly settleMs: number;
  /** A window with every client connected and nothing sent: what idle connections cost (pings). */
  readonly idleMs: number;
  /** The prediction check: scale-out traffic on several nodes over one Redis. */
  readonly check: CheckSettings;
}

/** Every unit the model uses, on one store. */
export interface StoreUnits {
  /** Engine.IO + Socket.IO connection set up, the relay's hello included, before any login. */
  readonly connect: UnitCost;
  readonly keyedLogin: UnitCost;
  readonly guestLogin: UnitCost;
  /** Joining a room of `roomSize` (member lists to the joiner and the others included). */
  readonly keyedJoin: UnitCost;
  readonly guestJoin: UnitCost;
  /** Per accepted keyed message (validation, room log append, receipts), deliveries apart. */
  readonly keyedMessage: UnitCost;
  readonly keyedDelivery: UnitCost;
  readonly guestMessage: UnitCost;
  readonly guestDelivery: UnitCost;
  /** One cumulative ack that releases one message (receipts to its sender included). */
  readonly ack: UnitCost;
  /**
   * Per connection and second, with nothing sent: engine.io's ping every 25 s and its pong,
   * timers (relay CPU; Redis's part is per node, below).
   */
  readonly idleConnectionSecond: UnitCost;
  /** Redis only: Redis's CPU per node and second with nothing sent (heartbeats, its own cron). */
  readonly idleNodeSecond?: UnitCost;
  /** Redis only: per message, for each further node that has members of the room (measured on 2 nodes; see extraNodeCost). */
  readonly extraNodePerMessage?: UnitCost;
}

/** Memory units on one store. */
export interface StoreMemory {
  /** RSS of a node with nobody connected, after GC. */
  readonly nodeBaseRssBytes: number;
  /** A keyed connection, logged in, in no room. */
  readonly keyedConnection: MemoryUnit;
  /** One keyed member's membership of a room of `roomSize` (the relay's part from its V8 heap). */
  readonly keyedMembership: MemoryUnit;
  /** A guest, logged in and in one room (connection and membership together). */
  readonly guest: MemoryUnit;
  readonly held: HeldMemory;
}

/** What one store measured. */
export interface StoreCosts {
  readonly store: StoreKind;
  readonly units: StoreUnits;
  readonly memory: StoreMemory;
  /** Bytes of one delivered message frame at the client (64-character text), keyed and guest. */
  readonly deliveryFrameBytes: { readonly keyed: number; readonly guest: number };
  /** Steps whose deliveries did not all arrive in time (their figures are suspect). */
  readonly incomplete: readonly string[];
}

/** The costs workload's result, as the results JSON holds it under `costs`. */
export interface CostsResult {
  readonly settings: Omit<CostsSettings, "check">;
  readonly textLength: number;
  /** Which Redis: one of the run's own (its counters are the run's alone) or the shared one. */
  readonly redis: "private" | "shared" | "none";
  readonly stores: readonly StoreCosts[];
  readonly check?: CheckResult;
}

/**
 * Unit costs by differential measurement, on the memory store and on Redis: N connects, N
 * logins, N joins, messages into rooms of two sizes (keyed and guest) to split per-message from
 * per-delivery cost, one-message acks, GC'd memory between steps, and on Redis a second node to
 * price what each further node costs per message. Then the prediction check (costs-check.ts).
 * Redis is a redis-server of the run's own when one can be started, so that its counters (INFO
 * commandstats, stats, cpu, memory) hold the relay's commands alone.
 *
 * @example
 * const costs = await runCosts(settings, "redis://127.0.0.1:6379", console.error);
 */
export async function runCosts(settings: CostsSettings, sharedRedisUrl: string, log: (line: string) => void): Promise<CostsResult> {
  const { check: checkSettings, ...rest } = settings;
  const stores: StoreCosts[] = [await measureStore("memory", settings, undefined, log)];
  const privateRedis = await startPrivateRedis();
  const redisUrl = privateRedis?.url ?? ((await redisAvailable(sharedRedisUrl)) ? sharedRedisUrl : undefined);
  let check: CheckResult | undefined;
  try {
    if (redisUrl !== undefined) {
      stores.push(await measureStore("redis", settings, redisUrl, log));
      check = await runCostsCheck(checkSettings, redisUrl, log);
    } else log("costs: no Redis, the Redis store's costs and the check are skipped");
  } finally {
    await privateRedis?.stop();
  }
  return {
    settings: rest,
    textLength: CHAT_TEXT_LENGTH,
    redis: privateRedis ? "private" : redisUrl ? "shared" : "none",
    stores,
    ...(check ? { check } : {}),
  };
}

async function measureStore(store: StoreKind, settings: CostsSettings, redisUrl: string | undefined, log: (line: string) => void): Promise<StoreCosts> {
  if (redisUrl === undefined) return withNodes(1, undefined, (nodes) => measureOn(store, nodes, settings, undefined, log));
  return withRedisRun(redisUrl, async ({ prefix }) => {
    const env = (index: number) => redisStoreEnv(redisUrl, prefix, `costs-${String(index)}`);
    const costs = await withNodes(1, env, (nodes) => measureOn(store, nodes, settings, redisUrl, log));
    const extraNodePerMessage = await withNodes(2, env, (nodes) => extraNodeCost(nodes, settings, redisUrl, prefix, log));
    return { ...costs, units: { ...costs.units, extraNodePerMessage } };
  });
}

async function withNodes<T>(count: number, env: ((index: number) => Record<string, string>) | undefined, run: (nodes: ServerProcess[]) => Promise<T>): Promise<T> {
  const nodes: ServerProcess[] = [];
  try {
    for (let index = 0; index < count; index += 1) {
      nodes.push(await startPigeon({ label: `Pigeon costs node ${String(index + 1)}`, tag: "costs", ...(env ? { env: env(index + 1) } : {}) }));
    }
    return await run(nodes);
  } finally {
    await Promise.all(nodes.map((node) => node.kill()));
  }
}

type MessageKind = "keyed" | "guest";

async function measureOn(store: StoreKind, nodes: ServerProcess[], settings: CostsSettings, redisUrl: string | undefined, log: (line: string) => void): Promise<StoreCosts> {
  const rig = await CostsRig.open(nodes, redisUrl);
  const ports = nodes.map((node) => node.port);
  const n = settings.connections;
  // Client names start with the store's initial, so the two stores' runs never share one.
  const tag = store[0] ?? "";
  const groups: (Group | undefined)[] = [];
  const incomplete: string[] = [];
  const note = (step: string) => (reading: Reading) => {
    log(`costs ${store}: ${step} ${reading.relayCpuSeconds.toFixed(3)} relay CPU-s${reading.redis ? `, Redis ${reading.redis.cpuSeconds.toFixed(3)} CPU-s, ${String(reading.redis.calls)} calls` : ""}`);
    return reading;
  };
  try {
    const empty = await rig.memory(settings.settleMs);
    let keyed: Awaited<ReturnType<typeof connectClients>> = [];
    const connect = note("connect")(
      await rig.measure(async () => {
        keyed = await connectClients(n, ports, `${tag}k-`, true);
      }),
    );
    groups.push({ rooms: [], clients: keyed, roomSize: 1, delivered: () => 0 });
    const keyedLogin = note("keyed login")(await rig.measure(() => forEachClient(keyed, (client) => client.login())));
    const loggedIn = await rig.memory(settings.settleMs);
    let keyedRooms: Group | undefined;
    const keyedJoin = note("keyed join")(
      await rig.measure(async () => {
        keyedRooms = await joinRooms(keyed, settings.roomSize, `${tag}k-`);
      }),
    );
    if (!keyedRooms) throw new Error("costs: keyed rooms not set up");
    const joined = await rig.memory(settings.settleMs);

    let guests: Awaited<ReturnType<typeof connectClients>> = [];
    await rig.measure(async () => {
      guests = await connectClients(n, ports, `${tag}g-`, false);
    });
    groups.push({ rooms: [], clients: guests, roomSize: 1, delivered: () => 0 });
    const guestLogin = note("guest login")(await rig.measure(() => forEachClient(guests, (client) => client.login())));
    let guestRooms: Group | undefined;
    const guestJoin = note("guest join")(
      await rig.measure(async () => {
        guestRooms = await joinRooms(guests, settings.roomSize, `${tag}g-`);
      }),
    );
    if (!guestRooms) throw new Error("costs: guest rooms not set up");
    const withGuests = await rig.memory(settings.settleMs);

    const keyedPairs = await setUpGroup(settings.pairConnections, settings.pairSize, ports, `${tag}kp-`, true);
    groups.push(keyedPairs);
    const guestPairs = await setUpGroup(settings.pairConnections, settings.pairSize, ports, `${tag}gp-`, false);
    groups.push(guestPairs);
    const keyedLarge = await setUpGroup(settings.largeConnections, settings.largeRoomSize, ports, `${tag}kl-`, true);
    groups.push(keyedLarge);
    const guestLarge = await setUpGroup(settings.largeConnections, settings.largeRoomSize, ports, `${tag}gl-`, false);
    groups.push(guestLarge);
    const beforeMessages = await rig.memory(settings.settleMs);
    const connected = 2 * n + 2 * settings.pairConnections + 2 * settings.largeConnections;
    const idle = note(`idle, ${String(connected)} connections`)(await rig.measure(() => sleep(settings.idleMs)));

    const steps: { kind: MessageKind; group: Group; rate: number }[] = [
      { kind: "keyed", group: keyedLarge, rate: settings.largeMessagesPerSecond },
      { kind: "keyed", group: keyedPairs, rate: settings.messagesPerSecond },
      { kind: "guest", group: guestLarge, rate: settings.largeMessagesPerSecond },
      { kind: "guest", group: guestPairs, rate: settings.messagesPerSecond },
    ];
    const readings = steps.map(() => [] as { reading: Reading; messages: number }[]);
    let keyedMessages = 0;
    for (let round = 1; round <= settings.rounds; round += 1) {
      for (const [index, { kind, group, rate }] of steps.entries()) {
        let sent = { messages: 0, deliveries: 0, complete: true };
        const reading = await rig.measure(async () => {
          sent = await sendMessages(group, rate, settings.measureMs, CHAT_TEXT_LENGTH);
        });
        const label = `${kind} rooms of ${String(group.roomSize)} (round ${String(round)})`;
        if (!sent.complete) incomplete.push(label);
        if (kind === "keyed") keyedMessages += sent.messages;
        note(`${label}, ${String(sent.messages)} messages`)(reading);
        readings[index]?.push({ reading, messages: sent.messages });
      }
    }
    const held64 = await rig.memory(settings.settleMs);
    let bigMessages = 0;
    await rig.measure(async () => {
      const rate = Math.min(settings.messagesPerSecond, settings.bigMessages);
      bigMessages = (await sendMessages(keyedRooms as Group, rate, (settings.bigMessages / rate) * 1000, settings.bigTextLength)).messages;
    });
    const heldBig = await rig.memory(settings.settleMs);

    let acks = 0;
    const ackReading = note("acks")(
      await rig.measure(async () => {
        acks = await ackOneByOne(keyedRooms as Group, settings.acksPerMember);
      }),
    );

    const sized = (index: number, roomSize: number) => {
      const rounds = readings[index] ?? [];
      const messages = rounds.reduce((sum, round) => sum + round.messages, 0);
      return { roomSize, perMessage: perUnit(sumReadings(rounds.map((round) => round.reading)), messages), rounds };
    };
    const split = (large: number, small: number) => {
      const [big, little] = [sized(large, settings.largeRoomSize), sized(small, settings.pairSize)];
      const { message, delivery } = splitMessageCost(little, big);
      // The spread over rounds: each round's split alone.
      const perRound = big.rounds.map((round, at) => {
        const other = little.rounds[at];
        if (!other) return undefined;
        return splitMessageCost(
          { roomSize: settings.pairSize, perMessage: perUnit(other.reading, other.messages) },
          { roomSize: settings.largeRoomSize, perMessage: perUnit(round.reading, round.messages) },
        );
      });
      const range = (pick: (value: { message: UnitCost; delivery: UnitCost }) => number): readonly [number, number] | undefined => {
        const values = perRound.filter((value) => value !== undefined).map(pick);
        return values.length > 1 ? [Math.min(...values), Math.max(...values)] : undefined;
      };
      const messageRange = range((value) => value.message.relayCpuMicros);
      const deliveryRange = range((value) => value.delivery.relayCpuMicros);
      return {
        message: { ...message, ...(messageRange ? { relayCpuMicrosRange: messageRange } : {}) },
        delivery: { ...delivery, ...(deliveryRange ? { relayCpuMicrosRange: deliveryRange } : {}) },
      };
    };
    const keyedSplit = split(0, 1);
    const guestSplit = split(2, 3);
    const frameBytes = (group: Group) => {
      const messages = group.clients.reduce((sum, client) => sum + client.messages, 0);
      return messages === 0 ? 0 : group.clients.reduce((sum, client) => sum + client.messageBytes, 0) / messages;
    };
    return {
      store,
      units: {
        connect: perUnit(connect, n),
        keyedLogin: perUnit(keyedLogin, n),
        guestLogin: perUnit(guestLogin, n),
        keyedJoin: perUnit(keyedJoin, n),
        guestJoin: perUnit(guestJoin, n),
        keyedMessage: keyedSplit.message,
        keyedDelivery: keyedSplit.delivery,
        guestMessage: guestSplit.message,
        guestDelivery: guestSplit.delivery,
        ack: perUnit(ackReading, Math.max(1, acks)),
        idleConnectionSecond: { relayCpuMicros: perUnit(idle, connected * idle.wallSeconds).relayCpuMicros },
        ...(idle.redis ? { idleNodeSecond: { relayCpuMicros: 0, redis: perUnit(idle, idle.wallSeconds).redis } } : {}),
      },
      memory: {
        nodeBaseRssBytes: empty.relayRssBytes,
        keyedConnection: memoryPerUnit(empty, loggedIn, n),
        keyedMembership: memoryPerUnit(loggedIn, joined, n, "heap"),
        guest: memoryPerUnit(joined, withGuests, n),
        held: heldMemory(
          { textLength: CHAT_TEXT_LENGTH, messages: keyedMessages, perMessage: memoryPerUnit(beforeMessages, held64, keyedMessages, "heap") },
          { textLength: settings.bigTextLength, messages: bigMessages, perMessage: memoryPerUnit(held64, heldBig, bigMessages, "heap") },
        ),
      },
      deliveryFrameBytes: { keyed: frameBytes(keyedPairs), guest: frameBytes(guestPairs) },
      incomplete,
    };
  } finally {
    rig.close();
    closeAll(groups);
  }
}

// Listeners the harness adds to the spread rooms' channels: to Redis each is one more node
// subscribed, and together they lift that cost out of Redis's noise.
const EXTRA_LISTENERS = 8;

/**
 * What each further node costs per message, on two nodes at once so that both sides of each
 * difference see the same processes and the same Redis. The relay's part: pairs with both
 * members on the first node against pairs split over both (small rooms, so that the node's part
 * is a large share of the message). Redis's part: the split pairs again with EXTRA_LISTENERS
 * more subscribers to their channels (the harness's own connections, to Redis each one more
 * node), divided by that number. Rounds interleaved.
 */
async function extraNodeCost(nodes: ServerProcess[], settings: CostsSettings, redisUrl: string, prefix: string, log: (line: string) => void): Promise<UnitCost> {
  const rig = await CostsRig.open(nodes, redisUrl);
  const [first] = nodes;
  if (!first) throw new Error("costs: no node");
  let local: Group | undefined;
  let spread: Group | undefined;
  const listeners: Redis[] = [];
  try {
    local = await setUpGroup(settings.pairConnections, settings.pairSize, [first.port], "x1-", false);
    spread = await setUpGroup(settings.pairConnections, settings.pairSize, nodes.map((node) => node.port), "x2-", false);
    const channels = spread.rooms.map((_, index) => `${prefix}:sio#/#x2-room-${String(index)}#`);
    const readings = { local: [] as Reading[], spread: [] as Reading[], listened: [] as Reading[] };
    const messages = { local: 0, spread: 0, listened: 0 };
    for (let round = 1; round <= settings.rounds; round += 1) {
      for (const kind of ["local", "spread", "listened"] as const) {
        if (kind === "listened") for (let index = 0; index < EXTRA_LISTENERS; index += 1) listeners.push(await listen(redisUrl, channels));
        const group = kind === "local" ? local : spread;
        const reading = await rig.measure(async () => {
          messages[kind] += (await sendMessages(group, settings.messagesPerSecond, settings.measureMs, CHAT_TEXT_LENGTH)).messages;
        });
        for (const listener of listeners.splice(0)) listener.disconnect();
        log(`costs redis: guest pairs, ${kind} (round ${String(round)}) ${reading.relayCpuSeconds.toFixed(3)} relay CPU-s, Redis ${(reading.redis?.cpuSeconds ?? 0).toFixed(3)} CPU-s`);
        readings[kind].push(reading);
      }
    }
    const [onLocal, onSpread, onListened] = (["local", "spread", "listened"] as const).map((kind) => perUnit(sumReadings(readings[kind]), messages[kind]));
    if (!onLocal || !onSpread || !onListened) throw new Error("costs: a further-node step is missing");
    const relay = combine(onSpread, 1, onLocal, -1);
    const redis = combine(onListened, 1 / EXTRA_LISTENERS, onSpread, -1 / EXTRA_LISTENERS).redis;
    return { relayCpuMicros: relay.relayCpuMicros, ...(redis ? { redis } : {}) };
  } finally {
    for (const listener of listeners) listener.disconnect();
    rig.close();
    closeAll([local, spread]);
  }
}

async function listen(redisUrl: string, channels: readonly string[]): Promise<Redis> {
  const listener = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await listener.connect();
  listener.on("smessage", () => undefined);
  await listener.ssubscribe(...channels);
  return listener;
}

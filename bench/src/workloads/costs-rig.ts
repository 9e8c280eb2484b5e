import { Redis } from "ioredis";
import { setTimeout as sleep } from "node:timers/promises";
import { createIdentity } from "../clients/identity.js";
import { openMany } from "../clients/open-many.js";
import { chatText } from "../clients/payload.js";
import { ThinClient, type AckPolicy } from "../clients/thin-client.js";
import { readTaskCpuSeconds } from "../measure/cpu.js";
import { runOpenLoop, sendsFor } from "../measure/open-loop.js";
import { parseRedisInfo, redisDelta, type RedisDelta, type RedisStats } from "../measure/redis-stats.js";
import { waitUntil } from "../measure/wait.js";
import type { ServerProcess } from "../servers/process.js";
import { settledMemory } from "./idle-memory.js";

/** What one measured step cost: the relay nodes' CPU and, on Redis, what Redis did. */
export interface Reading {
  readonly relayCpuSeconds: number;
  readonly wallSeconds: number;
  readonly redis?: RedisDelta;
}

/** Memory of the relay nodes (RSS after GC, summed) and of Redis, at one moment. */
export interface MemoryReading {
  readonly relayRssBytes: number;
  readonly relayHeapBytes: number;
  readonly redisUsedBytes?: number;
}

/** Clients in rooms of one size, set up for a costs step. */
export interface Group {
  readonly rooms: readonly (readonly ThinClient[])[];
  readonly clients: readonly ThinClient[];
  readonly roomSize: number;
  delivered(): number;
}

// Keyed members in message steps never ack on their own: acks are a unit of their own, and
// unacked messages stay held, which is how the held-message memory is measured.
const NEVER_ACK: AckPolicy = { everyMessages: Number.MAX_SAFE_INTEGER, delayMs: 2_000_000_000, intervalMs: 2_000_000_000, withReply: false };
const SETUP_CONCURRENCY = 100;
// After the last delivery: the relay's receipt and member-list timers (250 ms, 100 ms) fire.
const TAIL_MS = 300;
const DELIVERY_TIMEOUT_MS = 20_000;

/**
 * The relay nodes of one costs run and, on Redis, a connection that reads Redis's counters: a
 * `measure` step reads relay CPU (every thread, nanoseconds) and Redis's INFO before and after.
 */
export class CostsRig {
  readonly #info: Redis | undefined;

  private constructor(
    readonly nodes: readonly ServerProcess[],
    info: Redis | undefined,
  ) {
    this.#info = info;
  }

  /** A rig over `nodes`; with `redisUrl`, Redis's counters are read too. */
  static async open(nodes: readonly ServerProcess[], redisUrl?: string): Promise<CostsRig> {
    if (redisUrl === undefined) return new CostsRig(nodes, undefined);
    const info = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await info.connect();
    return new CostsRig(nodes, info);
  }

  close(): void {
    this.#info?.disconnect();
  }

  /** Runs `step` and returns what it cost the relay nodes and Redis. */
  async measure(step: () => Promise<void>): Promise<Reading> {
    const redisBefore = await this.#redisStats();
    const cpuBefore = this.#relayCpu();
    const started = performance.now();
    await step();
    const relayCpuSeconds = this.#relayCpu() - cpuBefore;
    const wallSeconds = (performance.now() - started) / 1000;
    const redisAfter = await this.#redisStats();
    return {
      relayCpuSeconds,
      wallSeconds,
      ...(redisBefore && redisAfter ? { redis: redisDelta(redisBefore, redisAfter) } : {}),
    };
  }

  /** Memory once every node's RSS has settled after GC, and Redis's used_memory then. */
  async memory(settleMs: number): Promise<MemoryReading> {
    const readings = await Promise.all(this.nodes.map((node) => settledMemory(node, settleMs)));
    const redis = await this.#redisStats();
    return {
      relayRssBytes: readings.reduce((sum, reading) => sum + reading.rss, 0),
      relayHeapBytes: readings.reduce((sum, reading) => sum + reading.heapUsed, 0),
      ...(redis ? { redisUsedBytes: redis.usedMemoryBytes } : {}),
    };
  }

  #relayCpu(): number {
    return this.nodes.reduce((sum, node) => sum + readTaskCpuSeconds(node.pid), 0);
  }

  async #redisStats(): Promise<RedisStats | undefined> {
    if (this.#info === undefined) return undefined;
    const text = await this.#info.info("all");
    return parseRedisInfo(text);
  }
}

/**
 * Connects `count` clients (keyed or guests) to `ports` round-robin, without logging in.
 *
 * @example
 * const clients = await connectClients(100, [port], "k-", true);
 */
export async function connectClients(count: number, ports: readonly number[], prefix: string, keyed: boolean): Promise<ThinClient[]> {
  const opened = await openMany(
    count,
    SETUP_CONCURRENCY,
    (index) =>
      ThinClient.connect({
        port: ports[index % ports.length] ?? 0,
        name: `${prefix}${String(index)}`,
        ...(keyed ? { identity: createIdentity(), acks: NEVER_ACK } : {}),
      }),
    (client) => {
      client.close();
    },
  );
  return opened.clients;
}

/** Runs `each` on every client, at most SETUP_CONCURRENCY at once. */
export async function forEachClient(clients: readonly ThinClient[], each: (client: ThinClient, index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < clients.length) {
      const index = next;
      next += 1;
      const client = clients[index];
      if (client) await each(client, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SETUP_CONCURRENCY, clients.length) }, worker));
}

/** Joins `clients` to rooms of `roomSize` (client i to room ⌊i / roomSize⌋) and groups them. */
export async function joinRooms(clients: readonly ThinClient[], roomSize: number, prefix: string): Promise<Group> {
  await forEachClient(clients, (client, index) => client.join(`${prefix}room-${String(Math.floor(index / roomSize))}`));
  return groupOf(clients, roomSize);
}

/** Connects, logs in and joins clients in one go (setup outside any measured step). */
export async function setUpGroup(count: number, roomSize: number, ports: readonly number[], prefix: string, keyed: boolean): Promise<Group> {
  const clients = await connectClients(count, ports, prefix, keyed);
  await forEachClient(clients, (client) => client.login());
  return joinRooms(clients, roomSize, prefix);
}

function groupOf(clients: readonly ThinClient[], roomSize: number): Group {
  const rooms: ThinClient[][] = [];
  clients.forEach((client, index) => {
    const room = Math.floor(index / roomSize);
    (rooms[room] ??= []).push(client);
  });
  return {
    rooms,
    clients,
    roomSize,
    delivered: () => clients.reduce((sum, client) => sum + client.messages, 0),
  };
}

/**
 * Sends `ratePerSecond` messages for `durationMs` (open loop) into `group`'s rooms in turn, each
 * from the next member of its room, then waits until every member has every message and the
 * relay's timers have fired. Returns how many messages were sent and whether all arrived.
 */
export async function sendMessages(
  group: Group,
  ratePerSecond: number,
  durationMs: number,
  textLength: number,
): Promise<{ messages: number; deliveries: number; complete: boolean }> {
  const before = group.delivered();
  let deliveries = 0;
  const rooms = group.rooms.length;
  const { sent } = await runOpenLoop({
    ratePerSecond,
    count: sendsFor(ratePerSecond, durationMs),
    send: (index, scheduledMicros) => {
      const room = group.rooms[index % rooms] ?? [];
      const sender = room[Math.floor(index / rooms) % room.length];
      if (!sender) return;
      deliveries += room.length;
      sender.chat(chatText(scheduledMicros).padEnd(textLength, "y"));
    },
  });
  const complete = await waitUntil(() => group.delivered() - before >= deliveries, DELIVERY_TIMEOUT_MS);
  await sleep(TAIL_MS);
  return { messages: sent, deliveries, complete };
}

/**
 * Every member of `group` acks each seq from 1 to `perMember` one at a time (each ack releases
 * one message), the last with a reply so that the step ends once the relay has handled them all.
 * Returns the number of acks sent.
 */
export async function ackOneByOne(group: Group, perMember: number): Promise<number> {
  let acks = 0;
  await forEachClient(group.clients, async (client) => {
    const last = Math.min(perMember, client.latestSeq);
    for (let seq = 1; seq <= last; seq += 1) {
      acks += 1;
      await client.ackNow(seq, seq === last);
    }
  });
  await sleep(TAIL_MS);
  return acks;
}

/** Closes every client of the groups. */
export function closeAll(groups: readonly (Group | readonly ThinClient[] | undefined)[]): void {
  for (const group of groups) {
    const clients = group === undefined ? [] : "clients" in group ? group.clients : group;
    for (const client of clients) client.close();
  }
}

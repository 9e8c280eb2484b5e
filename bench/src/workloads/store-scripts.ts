// `pnpm bench --store-scripts`: what the Redis store costs Redis per message, with no relay in
// the way. A RelayStore (the relay's own, from @pigeon/relay) on a redis-server of the run's own
// takes messages into rooms and the members' acks, as the relay would hand them over; Redis's
// counters then say what each message cost it. The relay's CPU, sockets and socket.io are left
// out on purpose: this is the figure a change to the store's Lua moves, without the noise of a
// whole server around it (the `store` and `costs` workloads measure the whole path).
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import type * as Relay from "@pigeon/relay";
import type { RelayStore } from "@pigeon/relay";
import { middle } from "../measure/middle.js";
import { parseRedisInfo, redisDelta, type RedisStats } from "../measure/redis-stats.js";
import { startPrivateRedis } from "../servers/private-redis.js";

/** One room shape: rooms of `roomSize` members, every member acking every `ackEvery`-th message. */
export interface StoreScriptsCase {
  readonly label: string;
  readonly roomSize: number;
  readonly ackEvery: number;
  readonly rooms: number;
  readonly messages: number;
}

/**
 * 1:1 with both members acking every message (the most acks a message can bring), rooms of 10
 * and of 100 acking about as often as the SDK's members do at the fan-out workload's rate
 * (its rooms get a message every 20 to 100 ms; members ack at most once a second, sooner after
 * a quiet spell).
 */
export const STORE_SCRIPTS_CASES: readonly StoreScriptsCase[] = [
  { label: "1:1, every message acked", roomSize: 2, ackEvery: 1, rooms: 100, messages: 10_000 },
  { label: "rooms of 10, acks every 4th", roomSize: 10, ackEvery: 4, rooms: 100, messages: 10_000 },
  { label: "rooms of 100, acks every 20th", roomSize: 100, ackEvery: 20, rooms: 10, messages: 4_000 },
];

/** What one message cost Redis in one case: medians over the rounds. */
export interface StoreScriptsRow extends StoreScriptsCase {
  /** Redis's CPU (used_cpu_user + used_cpu_sys) per message, network included. */
  readonly redisCpuUsPerMessage: number;
  /** Time inside the store's scripts per message (INFO commandstats, evalsha). */
  readonly scriptUsPerMessage: number;
  /** Commands run by the scripts per message (INFO commandstats: every command but evalsha and INFO). */
  readonly callsPerMessage: number;
  /** Bytes the store sent Redis per message. */
  readonly bytesInPerMessage: number;
}

/** One build's rows. */
export interface StoreScriptsBuild {
  /** Where its @pigeon/relay came from: the workspace's, or a path from BENCH_PIGEON_RELAY. */
  readonly relayModule: string;
  readonly rows: readonly StoreScriptsRow[];
}

export interface StoreScriptsResult {
  readonly rounds: number;
  /** The workspace's build, or those BENCH_PIGEON_RELAY names, in its order. */
  readonly builds: readonly StoreScriptsBuild[];
}

/** Messages under way at once: enough for ioredis to pipeline, as under load. */
export const STORE_IN_FLIGHT = 64;
const WARM_UP_MESSAGES = 1_000;
const TEXT = "x".repeat(64);

/**
 * Runs every case `rounds` times on a redis-server of its own, cases and builds alternating
 * within each round, so that a machine's drift lands on every build alike. Undefined when no
 * redis-server can be started here. `BENCH_PIGEON_RELAY` (comma-separated paths to builds'
 * `packages/relay/dist/index.js`, `@pigeon/relay` for the workspace's) measures those builds'
 * stores side by side, for a before and after.
 *
 * @example
 * const result = await runStoreScripts(5, console.error);
 * const tiny = await runStoreScripts(1, () => undefined, [{ label: "1:1", roomSize: 2, ackEvery: 1, rooms: 2, messages: 100 }]);
 */
export async function runStoreScripts(
  rounds: number,
  log: (line: string) => void,
  cases: readonly StoreScriptsCase[] = STORE_SCRIPTS_CASES,
): Promise<StoreScriptsResult | undefined> {
  const modules = (process.env.BENCH_PIGEON_RELAY ?? "@pigeon/relay").split(",").map((module) => module.trim());
  const relays = await Promise.all(modules.map(async (module) => (await import(module)) as typeof Relay));
  const redis = await startPrivateRedis();
  if (redis === undefined) return undefined;
  const admin = new Redis(redis.url);
  try {
    const samples = relays.map(() => cases.map(() => [] as Sample[]));
    for (let round = 0; round < rounds; round += 1) {
      for (const [index, shape] of cases.entries()) {
        for (const [build, relay] of relays.entries()) {
          const config = relay.RelayConfig.parse({ store: "redis", redisUrl: redis.url, redisPrefix: `scripts-${String(round)}-${String(index)}` });
          const store = await relay.createStore(config, relay.silentLogger());
          try {
            const sample = await measureCase(store, admin, shape);
            samples[build]?.[index]?.push(sample);
            const name = relays.length > 1 ? ` (${modules[build] ?? ""})` : "";
            log(`store scripts, ${shape.label}, round ${String(round + 1)}${name}: ${sample.redisCpuUs.toFixed(1)} µs of Redis CPU per message`);
          } finally {
            await store.close();
            await admin.flushall();
          }
        }
      }
    }
    const builds = modules.map((relayModule, build) => ({
      relayModule,
      rows: cases.map((shape, index) => {
        const of = (pick: (sample: Sample) => number) => middle((samples[build]?.[index] ?? []).map(pick));
        return {
          ...shape,
          redisCpuUsPerMessage: of((sample) => sample.redisCpuUs),
          scriptUsPerMessage: of((sample) => sample.scriptUs),
          callsPerMessage: of((sample) => sample.calls),
          bytesInPerMessage: of((sample) => sample.bytesIn),
        };
      }),
    }));
    return { rounds, builds };
  } finally {
    admin.disconnect();
    await redis.stop();
  }
}

interface Room {
  readonly room: string;
  readonly members: readonly string[];
}

interface Sample {
  readonly redisCpuUs: number;
  readonly scriptUs: number;
  readonly calls: number;
  readonly bytesIn: number;
}

async function measureCase(store: RelayStore, admin: Redis, shape: StoreScriptsCase): Promise<Sample> {
  // Other people in every room (an identity is a member of 50 rooms at most).
  const rooms = Array.from({ length: shape.rooms }, (_, index) => ({
    room: `room-${String(index)}`,
    members: Array.from({ length: shape.roomSize }, (_, member) => `member-${String(member)}-of-${String(index)}`),
  }));
  for (const { room, members } of rooms) for (const name of members) await store.addMember(room, name, 0);
  await send(store, shape, rooms, WARM_UP_MESSAGES, 0);
  // Let the warm-up's last replies land before the counters start.
  await sleep(50);
  const before = await readStats(admin);
  await send(store, shape, rooms, shape.messages, WARM_UP_MESSAGES);
  const after = await readStats(admin);
  const delta = redisDelta(before, after);
  const scripts = (after.commands.evalsha?.usec ?? 0) - (before.commands.evalsha?.usec ?? 0);
  const perMessage = (value: number) => value / shape.messages;
  return {
    redisCpuUs: perMessage(delta.cpuSeconds * 1e6),
    scriptUs: perMessage(scripts),
    calls: perMessage(delta.calls - (delta.commands.evalsha ?? 0)),
    bytesIn: perMessage(delta.netInputBytes),
  };
}

async function readStats(admin: Redis): Promise<RedisStats> {
  const sections = await Promise.all(["commandstats", "stats", "cpu", "memory"].map((section) => admin.info(section)));
  return parseRedisInfo(sections.join("\n"));
}

/** Sends `count` messages round-robin over the rooms, each from the room's first member, with the acks the case asks for. */
async function send(store: RelayStore, shape: StoreScriptsCase, rooms: readonly Room[], count: number, first: number): Promise<void> {
  let pending: Promise<unknown>[] = [];
  for (let index = first; index < first + count; index += 1) {
    const { room, members } = rooms[index % rooms.length] ?? { room: "room-0", members: [] };
    const sender = members[0] ?? "member-0";
    const entry = { id: `m${String(index)}`, user: sender, message: TEXT, sentAt: Date.now() };
    pending.push(
      store.append(room, entry, `${sender}\n${String(index)}`).then(({ seq }) => {
        if (seq % shape.ackEvery !== 0) return undefined;
        return Promise.all(members.map((name) => store.ack(room, name, seq, Date.now())));
      }),
    );
    if (pending.length >= STORE_IN_FLIGHT) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
}


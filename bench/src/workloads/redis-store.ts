import { redisStoreEnv, withRedisRun } from "../servers/redis.js";
import { runFanout, type FanoutResult, type FanoutSettings } from "./fanout.js";
import { runMaxRate, type MaxRateResult, type OneToOneSettings } from "./one-to-one.js";

/** Pigeon's two stores on one node, keyed members, the same load on each. */
export interface StoreSettings {
  readonly redisUrl: string;
  /** Keyed fan-out room sizes, at the fan-out workload's offered load. */
  readonly roomSizes: readonly number[];
  readonly fanout: FanoutSettings;
  readonly oneToOne: OneToOneSettings;
}

/** Which store a Pigeon node ran with. */
export type StoreKind = "memory" | "redis";

/** One keyed fan-out case on one store. */
export interface StoreFanoutResult {
  readonly store: StoreKind;
  readonly fanout: FanoutResult;
  /** Deliveries per CPU-second of the relay and, on Redis, the redis-server together. */
  readonly deliveriesPerCpuSecondWithRedis: number;
}

/** The keyed 1:1 maximum rate on one store. */
export interface StoreMaxRateResult {
  readonly store: StoreKind;
  readonly maxRate: MaxRateResult;
  /** Each 1:1 chat reaches two members (its sender too): deliveries per relay + Redis CPU-second. */
  readonly deliveriesPerCpuSecondWithRedis: number;
}

/** Everything the store workload measured. */
export interface StoreResult {
  readonly fanout: readonly StoreFanoutResult[];
  readonly maxRate: readonly StoreMaxRateResult[];
  /** Whether Redis's CPU could be read (it runs on this machine); else "with Redis" is the relay's alone. */
  readonly redisCpuMeasured: boolean;
}

const STORES: readonly StoreKind[] = ["memory", "redis"];

/** Redis's CPU-seconds per delivery in a row; undefined on the memory store, or when Redis's CPU could not be read. */
export function redisCpuPerDelivery(row: StoreFanoutResult | StoreMaxRateResult): number | undefined {
  if ("fanout" in row) {
    const { redisCpuSeconds, delivered } = row.fanout;
    return redisCpuSeconds === undefined || delivered === 0 ? undefined : redisCpuSeconds / delivered;
  }
  const { redisCpuSeconds, messagesPerSecond, wallSeconds } = row.maxRate;
  const deliveries = 2 * messagesPerSecond * wallSeconds;
  return redisCpuSeconds === undefined || deliveries === 0 ? undefined : redisCpuSeconds / deliveries;
}

/**
 * What the Redis row's "vs memory" would be if the relay cost no more on Redis than on the
 * memory store, only Redis's own CPU added: the memory row's CPU per delivery against that plus
 * Redis's. No work on the relay's side can take the ratio past it; only less work in Redis per
 * message can. Undefined when Redis's CPU could not be read.
 *
 * @example
 * const ceiling = redisAloneCeiling(redisRow, memoryRow); // e.g. 0.25
 */
export function redisAloneCeiling(redis: StoreFanoutResult | StoreMaxRateResult, memory: StoreFanoutResult | StoreMaxRateResult): number | undefined {
  const inRedis = redisCpuPerDelivery(redis);
  if (inRedis === undefined || memory.deliveriesPerCpuSecondWithRedis <= 0) return undefined;
  const relay = 1 / memory.deliveriesPerCpuSecondWithRedis;
  return relay / (relay + inRedis);
}

/**
 * The Redis store against the memory store on one Pigeon node, in the same run: keyed fan-out
 * at each room size (same offered load as the fan-out workload) and the keyed 1:1 maximum rate,
 * memory and Redis alternating so both see the machine in the same state. On Redis, Pigeon runs
 * with PIGEON_STORE=redis under a key prefix of its own, deleted afterwards, and the
 * redis-server's CPU over the same window (from /proc, when it runs here) is counted with the
 * relay's: an honest cost per delivery of the store.
 *
 * @example
 * const result = await runStores({ redisUrl, roomSizes: [10, 100], fanout, oneToOne }, console.error);
 */
export async function runStores(settings: StoreSettings, log: (line: string) => void): Promise<StoreResult> {
  const fanout: StoreFanoutResult[] = [];
  const maxRate: StoreMaxRateResult[] = [];
  let redisCpuMeasured = true;
  const onStore = <T>(store: StoreKind, run: (env: Record<string, string>, redisPid: number | undefined) => Promise<T>) =>
    store === "memory"
      ? run({}, undefined)
      : withRedisRun(settings.redisUrl, ({ prefix, pid }) => {
          if (pid === undefined) redisCpuMeasured = false;
          return run(redisStoreEnv(settings.redisUrl, prefix), pid);
        });
  for (const roomSize of settings.roomSizes) {
    for (const store of STORES) {
      const result = await onStore(store, (env, redisPid) =>
        runFanout({ server: "pigeon", mode: "keyed", roomSize }, settings.fanout, { env, tag: `store-${store}-${String(roomSize)}` }, redisPid === undefined ? {} : { redisPid }),
      );
      const cpu = result.serverCpuSeconds + (result.redisCpuSeconds ?? 0);
      fanout.push({ store, fanout: result, deliveriesPerCpuSecondWithRedis: cpu > 0 ? result.delivered / cpu : 0 });
      log(`store ${store}, keyed fan-out ${String(roomSize)}: ${result.deliveriesPerCpuSecond.toFixed(0)} deliveries/relay CPU-s, Redis CPU ${(result.redisCpuSeconds ?? 0).toFixed(2)} s`);
    }
  }
  for (const store of STORES) {
    const result = await onStore(store, (env, redisPid) =>
      runMaxRate("pigeon", "keyed", settings.oneToOne, { env, tag: `store-${store}-maxrate` }, redisPid === undefined ? {} : { redisPid }),
    );
    const cpu = result.serverUtilization * result.wallSeconds + (result.redisCpuSeconds ?? 0);
    const deliveries = 2 * result.messagesPerSecond * result.wallSeconds;
    maxRate.push({ store, maxRate: result, deliveriesPerCpuSecondWithRedis: cpu > 0 ? deliveries / cpu : 0 });
    log(`store ${store}, keyed 1:1 max rate: ${result.messagesPerSecond.toFixed(0)} msg/s`);
  }
  return { fanout, maxRate, redisCpuMeasured };
}

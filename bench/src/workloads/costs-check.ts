import { setTimeout as sleep } from "node:timers/promises";
import { startClosedLoop } from "../clients/closed-loop.js";
import { startPigeon } from "../servers/pigeon.js";
import { redisStoreEnv, withRedisRun } from "../servers/redis.js";
import type { ServerProcess } from "../servers/process.js";
import { CostsRig } from "./costs-rig.js";
import { roomSenders, withPopulation } from "./population.js";

/** The scale-out workload's traffic, measured for the model to predict. */
export interface CheckSettings {
  readonly nodes: number;
  readonly rooms: number;
  readonly roomSize: number;
  readonly inFlightPerSender: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly settleMs: number;
}

/** What the check run measured: the traffic it carried and what that cost. */
export interface CheckResult {
  readonly nodes: number;
  readonly rooms: number;
  readonly roomSize: number;
  /** Guests, spread round-robin over the nodes (every room on every node). */
  readonly members: number;
  readonly wallSeconds: number;
  readonly messages: number;
  readonly deliveries: number;
  readonly relayCpuSeconds: number;
  readonly redisCpuSeconds: number;
  readonly redisNetInputBytes: number;
  readonly redisNetOutputBytes: number;
  /** Every node's RSS after GC, summed: with nobody connected, and with the members, after the load. */
  readonly relayRssEmptyBytes: number;
  readonly relayRssBytes: number;
  /** Redis's used_memory growth from the empty nodes to the end. */
  readonly redisUsedBytes: number;
}

/**
 * The prediction check: the scale-out workload's traffic (rooms of guests spread round-robin
 * over `nodes` Pigeon nodes on one Redis, each room's sender keeping messages in flight), with
 * what it cost measured as the costs workload measures units: relay CPU of every node, Redis's
 * CPU and bytes from INFO, memory after GC. The calculator's `--check` predicts it from the units.
 *
 * @example
 * const check = await runCostsCheck({ nodes: 3, rooms: 10, roomSize: 100, ... }, redisUrl, console.error);
 */
export async function runCostsCheck(settings: CheckSettings, redisUrl: string, log: (line: string) => void): Promise<CheckResult> {
  return withRedisRun(redisUrl, async ({ prefix }) => {
    const nodes: ServerProcess[] = [];
    let rig: CostsRig | undefined;
    try {
      for (let index = 0; index < settings.nodes; index += 1) {
        nodes.push(await startPigeon({ label: `Pigeon check node ${String(index + 1)}`, tag: "costs-check", env: redisStoreEnv(redisUrl, prefix, `check-${String(index + 1)}`) }));
      }
      const openedRig = await CostsRig.open(nodes, redisUrl);
      rig = openedRig;
      const empty = await openedRig.memory(settings.settleMs);
      const spec = { prefix: "chk-", rooms: settings.rooms, roomSize: settings.roomSize, probes: 0, keyed: false };
      return await withPopulation(nodes, spec, async (population) => {
        const stop = startClosedLoop(roomSenders(population), settings.inFlightPerSender);
        await sleep(settings.warmupMs);
        const before = population.delivered();
        const reading = await openedRig.measure(() => sleep(settings.measureMs));
        const deliveries = population.delivered() - before;
        stop();
        await sleep(500);
        const loaded = await openedRig.memory(settings.settleMs);
        const members = settings.rooms * settings.roomSize;
        const result: CheckResult = {
          nodes: settings.nodes,
          rooms: settings.rooms,
          roomSize: settings.roomSize,
          members,
          wallSeconds: reading.wallSeconds,
          messages: deliveries / settings.roomSize,
          deliveries,
          relayCpuSeconds: reading.relayCpuSeconds,
          redisCpuSeconds: reading.redis?.cpuSeconds ?? 0,
          redisNetInputBytes: reading.redis?.netInputBytes ?? 0,
          redisNetOutputBytes: reading.redis?.netOutputBytes ?? 0,
          relayRssEmptyBytes: empty.relayRssBytes,
          relayRssBytes: loaded.relayRssBytes,
          redisUsedBytes: (loaded.redisUsedBytes ?? 0) - (empty.redisUsedBytes ?? 0),
        };
        log(
          `costs check, ${String(settings.nodes)} nodes: ${(deliveries / reading.wallSeconds).toFixed(0)} deliveries/s, relay ${reading.relayCpuSeconds.toFixed(2)} CPU-s, Redis ${result.redisCpuSeconds.toFixed(2)} CPU-s over ${reading.wallSeconds.toFixed(1)} s`,
        );
        return result;
      });
    } finally {
      rig?.close();
      await Promise.all(nodes.map((node) => node.kill()));
    }
  });
}

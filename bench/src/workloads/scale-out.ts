import { setTimeout as sleep } from "node:timers/promises";
import { startClosedLoop } from "../clients/closed-loop.js";
import { CpuWindow, readCpuSeconds } from "../measure/cpu.js";
import { startPigeon } from "../servers/pigeon.js";
import { redisStoreEnv, withRedisRun } from "../servers/redis.js";
import type { ServerProcess } from "../servers/process.js";
import { noteProfileWindow } from "../servers/profiling.js";
import { roomSenders, withPopulation } from "./population.js";

/** Pigeon nodes sharing one Redis, against one node. */
export interface ScaleOutSettings {
  readonly nodeCounts: readonly number[];
  readonly redisUrl: string;
  readonly rooms: number;
  readonly roomSize: number;
  /** Messages each room's sender keeps in flight (closed loop: the most the nodes carry). */
  readonly inFlightPerSender: number;
  readonly warmupMs: number;
  readonly measureMs: number;
}

/** Throughput of `nodes` Pigeon nodes (PIGEON_STORE=redis), clients spread evenly over them. */
export interface ScaleOutResult {
  readonly nodes: number;
  readonly deliveriesPerSecond: number;
  /** Deliveries per CPU-second of all nodes together (Redis not included). */
  readonly deliveriesPerCpuSecond: number;
  readonly serverCpuSeconds: number;
  /** CPU of the redis-server process over the window, when it runs on this machine. */
  readonly redisCpuSeconds: number | undefined;
  readonly wallSeconds: number;
}

/**
 * Scale-out: for each node count, starts that many Pigeon nodes on one Redis (a unique key
 * prefix per run, deleted afterwards), spreads the rooms' members round-robin over the nodes
 * so every room spans every node, and lets each room's sender keep a few messages in flight.
 * Deliveries per second is what the nodes carry together. All nodes are pinned to the server
 * core, so on a 2-core machine this shows what coordination through Redis costs, not what
 * more machines would gain.
 *
 * @example
 * const results = await runScaleOut({ nodeCounts: [1, 3], redisUrl: "redis://127.0.0.1:6379", ... });
 */
export async function runScaleOut(settings: ScaleOutSettings): Promise<ScaleOutResult[]> {
  const results: ScaleOutResult[] = [];
  for (const nodes of settings.nodeCounts) results.push(await runNodes(nodes, settings));
  return results;
}

async function runNodes(nodeCount: number, settings: ScaleOutSettings): Promise<ScaleOutResult> {
  return withRedisRun(settings.redisUrl, async ({ prefix, pid: redisPid }) => {
    const nodes: ServerProcess[] = [];
    try {
      for (let index = 0; index < nodeCount; index += 1) {
        nodes.push(
          await startPigeon({
            label: `Pigeon node ${String(index + 1)}/${String(nodeCount)}`,
            tag: `scaleout-${String(nodeCount)}-nodes`,
            env: redisStoreEnv(settings.redisUrl, prefix, `bench-${String(index + 1)}`),
          }),
        );
      }
      const spec = { prefix: `s${String(nodeCount)}-`, rooms: settings.rooms, roomSize: settings.roomSize, probes: 0, keyed: false };
      return await withPopulation(nodes, spec, async (population) => {
        const stop = startClosedLoop(roomSenders(population), settings.inFlightPerSender);
        await sleep(settings.warmupMs);
        const before = population.delivered();
        const redisBefore = redisPid === undefined ? 0 : readCpuSeconds(redisPid);
        const window = CpuWindow.start(nodes.map((node) => node.pid));
        await sleep(settings.measureMs);
        const delivered = population.delivered() - before;
        const { cpuSeconds, wallSeconds, monotonic } = window.stop();
        noteProfileWindow(`scaleout-${String(nodeCount)}-nodes`, nodes.map((node) => node.pid), monotonic);
        const redisCpuSeconds = redisPid === undefined ? undefined : readCpuSeconds(redisPid) - redisBefore;
        stop();
        return {
          nodes: nodeCount,
          deliveriesPerSecond: delivered / wallSeconds,
          deliveriesPerCpuSecond: cpuSeconds > 0 ? delivered / cpuSeconds : 0,
          serverCpuSeconds: cpuSeconds,
          redisCpuSeconds,
          wallSeconds,
        };
      });
    } finally {
      // withPopulation has killed the nodes already unless starting them failed first.
      await Promise.all(nodes.map((node) => node.kill()));
    }
  });
}

/** Whether a Redis answers at `url` (the scale-out workload is skipped when none does). */
export { redisAvailable } from "../servers/redis.js";

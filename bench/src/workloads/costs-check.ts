import { setTimeout as sleep } from "node:timers/promises";
import { startClosedLoop } from "../clients/closed-loop.js";
import { startPigeon } from "../servers/pigeon.js";
import { redisStoreEnv, withRedisRun } from "../servers/redis.js";
import type { ServerProcess } from "../servers/process.js";
import { CHAT_TEXT_LENGTH } from "../clients/payload.js";
import { CostsRig, sendMessages, type Group, type Reading } from "./costs-rig.js";
import { roomSenders, withPopulation } from "./population.js";

/** The scale-out workload's traffic, measured for the model to predict. */
export interface CheckSettings {
  readonly nodes: number;
  readonly rooms: number;
  readonly roomSize: number;
  readonly inFlightPerSender: number;
  /**
   * The open-loop windows' offered rates, in messages per second over all rooms: one at the rate
   * the unit costs were measured at, others below and above it.
   */
  readonly messagesPerSecond: readonly number[];
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly settleMs: number;
}

/**
 * One window of the check run: "open", messages at a fixed rate, evenly spaced, as the unit
 * costs were measured and as people send; "closed", the scale-out workload's closed loop, each
 * room's sender keeping `inFlightPerSender` in flight (bursts: as much as the nodes carry).
 */
export interface CheckWindow {
  readonly loop: "open" | "closed";
  /** The open loop's offered rate (messages per second over all rooms). */
  readonly offeredPerSecond?: number;
  readonly wallSeconds: number;
  readonly messages: number;
  readonly deliveries: number;
  readonly relayCpuSeconds: number;
  readonly redisCpuSeconds: number;
  readonly redisNetInputBytes: number;
  readonly redisNetOutputBytes: number;
}

/** What the check run measured: the traffic it carried and what that cost. */
export interface CheckResult {
  readonly nodes: number;
  readonly rooms: number;
  readonly roomSize: number;
  /** Guests, spread round-robin over the nodes (every room on every node). */
  readonly members: number;
  readonly windows: readonly CheckWindow[];
  /** Every node's RSS after GC, summed: with nobody connected, and with the members, after the load. */
  readonly relayRssEmptyBytes: number;
  readonly relayRssBytes: number;
  /** Redis's used_memory growth from the empty nodes to the end. */
  readonly redisUsedBytes: number;
}

/**
 * The prediction check: the scale-out workload's traffic (rooms of guests spread round-robin
 * over `nodes` Pigeon nodes on one Redis), first at a fixed rate (open loop), then as the
 * scale-out workload sends it (each room's sender keeping messages in flight), with what each
 * window cost measured as the costs workload measures units: relay CPU of every node, Redis's
 * CPU and bytes from INFO; then memory after GC. `pnpm capacity --check` predicts both windows.
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
        const group: Group = {
          rooms: population.rooms.map((room) => room.members),
          clients: population.thin,
          roomSize: settings.roomSize,
          delivered: () => population.delivered(),
        };
        const window = (loop: CheckWindow["loop"], reading: Reading, deliveries: number, offeredPerSecond?: number): CheckWindow => {
          log(
            `costs check, ${String(settings.nodes)} nodes, ${loop} loop: ${(deliveries / reading.wallSeconds).toFixed(0)} deliveries/s, relay ${reading.relayCpuSeconds.toFixed(2)} CPU-s, Redis ${(reading.redis?.cpuSeconds ?? 0).toFixed(3)} CPU-s over ${reading.wallSeconds.toFixed(1)} s`,
          );
          return {
            loop,
            ...(offeredPerSecond === undefined ? {} : { offeredPerSecond }),
            wallSeconds: reading.wallSeconds,
            messages: deliveries / settings.roomSize,
            deliveries,
            relayCpuSeconds: reading.relayCpuSeconds,
            redisCpuSeconds: reading.redis?.cpuSeconds ?? 0,
            redisNetInputBytes: reading.redis?.netInputBytes ?? 0,
            redisNetOutputBytes: reading.redis?.netOutputBytes ?? 0,
          };
        };
        const windows: CheckWindow[] = [];
        for (const rate of settings.messagesPerSecond) {
          await sendMessages(group, rate, settings.warmupMs / 2, CHAT_TEXT_LENGTH);
          let openDeliveries = 0;
          const open = await openedRig.measure(async () => {
            openDeliveries = (await sendMessages(group, rate, settings.measureMs, CHAT_TEXT_LENGTH)).deliveries;
          });
          windows.push(window("open", open, openDeliveries, rate));
        }
        const stop = startClosedLoop(roomSenders(population), settings.inFlightPerSender);
        await sleep(settings.warmupMs);
        const before = population.delivered();
        const closed = await openedRig.measure(() => sleep(settings.measureMs));
        windows.push(window("closed", closed, population.delivered() - before));
        stop();
        await sleep(500);
        const loaded = await openedRig.memory(settings.settleMs);
        return {
          nodes: settings.nodes,
          rooms: settings.rooms,
          roomSize: settings.roomSize,
          members: settings.rooms * settings.roomSize,
          windows,
          relayRssEmptyBytes: empty.relayRssBytes,
          relayRssBytes: loaded.relayRssBytes,
          redisUsedBytes: (loaded.redisUsedBytes ?? 0) - (empty.redisUsedBytes ?? 0),
        };
      });
    } finally {
      rig?.close();
      await Promise.all(nodes.map((node) => node.kill()));
    }
  });
}

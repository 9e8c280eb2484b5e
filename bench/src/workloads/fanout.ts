import { setTimeout as sleep } from "node:timers/promises";
import { chatText } from "../clients/payload.js";
import type { AckPolicy, ThinClient } from "../clients/thin-client.js";
import { CpuWindow } from "../measure/cpu.js";
import { EncryptedRooms } from "../mls/encrypted-rooms.js";
import { suiteFor } from "../mls/suites.js";
import type { LatencySummary } from "../measure/histogram.js";
import { ioBetween, readIo } from "../measure/io.js";
import { runOpenLoop, sendsFor } from "../measure/open-loop.js";
import { startServer, type ServerKind } from "../servers/kinds.js";
import type { LaunchOptions } from "../servers/launch-options.js";
import { noteProfileWindow } from "../servers/profiling.js";
import { withPopulation } from "./population.js";

/**
 * Guests speak the seed tutorial's protocol; keyed members sign in, ack, and are held for;
 * encrypted members are keyed members of encrypted rooms, sending MLS application messages.
 */
export type Mode = "guest" | "keyed" | "encrypted";

/** One fan-out measurement. */
export interface FanoutCase {
  readonly server: ServerKind;
  readonly mode: Mode;
  readonly roomSize: number;
}

/** How hard and how long. */
export interface FanoutSettings {
  /** Connections per case; rooms = connections / roomSize (at least one). */
  readonly connections: number;
  /** Offered deliveries per second for a room size (the same for every server). */
  readonly deliveriesPerSecond: (roomSize: number) => number;
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly probes: number;
  /** Thin members of each room that send (the rest only receive). */
  readonly sendersPerRoom: number;
  /** How keyed members ack (default: as the SDK does); for experiments. */
  readonly acks?: AckPolicy;
}

/** What one fan-out case measured. */
export interface FanoutResult extends FanoutCase {
  readonly rooms: number;
  readonly messagesPerSecond: number;
  readonly sent: number;
  readonly expected: number;
  readonly delivered: number;
  readonly serverCpuSeconds: number;
  readonly wallSeconds: number;
  /** Deliveries per second of server CPU: the efficiency figure. */
  readonly deliveriesPerCpuSecond: number;
  /** Server CPU-seconds per wall-second over the window (1 = one core saturated). */
  readonly serverUtilization: number;
  /** Server write/writev system calls per delivery (from /proc/PID/io). */
  readonly writeCallsPerDelivery: number;
  /** Server read system calls per delivery. */
  readonly readCallsPerDelivery: number;
  /** Bytes the server wrote per delivery. */
  readonly bytesPerDelivery: number;
  readonly clientCpuSeconds: number;
  /** Sender lag behind its schedule (the client's own health). */
  readonly maxSendLagMs: number;
  /** From scheduled send time to receipt, at the probes. */
  readonly latency: LatencySummary;
  readonly setupSeconds: number;
  /** What the thin members received while the rooms filled (member lists, for Pigeon). */
  readonly setupBytes: number;
  /** CPU of the Redis the server used, over the same window (when asked for with `redisPid`). */
  readonly redisCpuSeconds?: number;
}

// After the last delivery: keyed members' final acks (batched every 100 ms) and receipts.
const TAIL_MS = 250;

/**
 * Room fan-out: rooms of `roomSize` members, a few of which send open-loop at a fixed total
 * rate; every message goes to every member (sender included). Measures deliveries per server
 * CPU-second over the window from the first scheduled send to the last delivery, on a fresh
 * server process, after a warm-up.
 *
 * @example
 * const result = await runFanout({ server: "pigeon", mode: "guest", roomSize: 100 }, settings);
 */
export async function runFanout(
  fanout: FanoutCase,
  settings: FanoutSettings,
  launch: LaunchOptions = {},
  { redisPid }: { readonly redisPid?: number } = {},
): Promise<FanoutResult> {
  const { roomSize } = fanout;
  const rooms = Math.max(1, Math.floor(settings.connections / roomSize));
  // A caller's tag (the store workload's) names the profile; the window must go under it too.
  const tag = launch.tag ?? `fanout-${fanout.mode}-${String(roomSize)}`;
  const encrypted = fanout.mode === "encrypted" ? new EncryptedRooms(await suiteFor("node")) : undefined;
  const server = await startServer(fanout.server, { tag, ...launch });
  const spec = {
    prefix: `f${roomSize}${fanout.mode[0] ?? ""}-`,
    rooms,
    roomSize,
    probes: settings.probes,
    keyed: fanout.mode !== "guest",
    ...(settings.acks ? { acks: settings.acks } : {}),
    ...(encrypted ? { encrypted } : {}),
  };
  return withPopulation([server], spec, async (population) => {
    const setupBytes = population.received().bytes;
    const senders: { client: ThinClient; room: number }[] = [];
    for (let slot = 0; slot < settings.sendersPerRoom; slot += 1) {
      population.rooms.forEach((room, index) => {
        const client = room.members[slot];
        if (client) senders.push({ client, room: index });
      });
    }
    const messagesPerSecond = settings.deliveriesPerSecond(roomSize) / roomSize;
    const sizeOf = (index: number) => {
      const room = population.rooms[index];
      return room ? room.members.length + room.probes.length : 0;
    };
    let expected = 0;
    const send = (index: number, scheduledMicros: number) => {
      const sender = senders[index % senders.length];
      if (!sender) return;
      expected += sizeOf(sender.room);
      if (encrypted) sender.client.mls(encrypted.next(population.rooms[sender.room]?.room ?? "", scheduledMicros));
      else sender.client.chat(chatText(scheduledMicros));
    };

    await runOpenLoop({ ratePerSecond: messagesPerSecond, count: sendsFor(messagesPerSecond, settings.warmupMs), send });
    await population.untilDelivered(expected);

    const deliveredBefore = population.delivered();
    expected = 0;
    for (const probe of population.probes) probe.recording = true;
    const clientCpuBefore = process.cpuUsage();
    const ioBefore = readIo(server.pid);
    const window = CpuWindow.start([server.pid]);
    const redisWindow = redisPid === undefined ? undefined : CpuWindow.start([redisPid]);
    const sent = await runOpenLoop({ ratePerSecond: messagesPerSecond, count: sendsFor(messagesPerSecond, settings.measureMs), send });
    await population.untilDelivered(deliveredBefore + expected);
    await sleep(TAIL_MS);
    const { cpuSeconds, wallSeconds, monotonic } = window.stop();
    const redisCpuSeconds = redisWindow?.stop().cpuSeconds;
    const io = ioBetween(ioBefore, readIo(server.pid));
    if (fanout.server === "pigeon") noteProfileWindow(tag, [server.pid], monotonic);
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const delivered = population.delivered() - deliveredBefore;

    return {
      ...fanout,
      rooms,
      messagesPerSecond,
      sent: sent.sent,
      expected,
      delivered,
      serverCpuSeconds: cpuSeconds,
      wallSeconds,
      deliveriesPerCpuSecond: cpuSeconds > 0 ? delivered / cpuSeconds : 0,
      serverUtilization: cpuSeconds / wallSeconds,
      writeCallsPerDelivery: io.writeCalls / Math.max(1, delivered),
      readCallsPerDelivery: io.readCalls / Math.max(1, delivered),
      bytesPerDelivery: io.writtenBytes / Math.max(1, delivered),
      clientCpuSeconds: (clientCpu.user + clientCpu.system) / 1e6,
      maxSendLagMs: sent.maxLagMs,
      latency: population.probeLatency(),
      setupSeconds: population.setupSeconds,
      setupBytes,
      ...(redisCpuSeconds === undefined ? {} : { redisCpuSeconds }),
    };
  });
}

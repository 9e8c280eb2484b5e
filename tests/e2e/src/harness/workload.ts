// A fan-out workload for throughput runs: keyed clients in rooms, a closed loop of senders per
// room, deliveries counted and timed at the receivers.
import { createClient, type PigeonClient } from "@pigeon/client";
import { createIdentityKey } from "@pigeon/crypto";

/** What to run. */
export interface WorkloadOptions {
  readonly url: string;
  readonly clients: number;
  readonly roomSize: number;
  /** Sends each room keeps in flight (closed loop). */
  readonly sendsInFlightPerRoom: number;
  /** Clients connecting at once while the workload starts. */
  readonly connectBatch: number;
}

/** A running workload. */
export interface Workload {
  /** Starts counting from now on. */
  startMeasuring(): void;
  /** Stops the senders and counting; resolves once every send in flight has settled. */
  stop(): Promise<Measurement>;
  close(): Promise<void>;
}

/** What was counted between `startMeasuring` and `stop`. */
export interface Measurement {
  readonly seconds: number;
  readonly accepted: number;
  readonly deliveries: number;
  readonly failedSends: number;
  /** Server `sentAt` to hand-over at the receiver, in ms, sorted. */
  readonly latenciesMs: readonly number[];
}

const TEXT = "x".repeat(64);

/**
 * Connects `clients` keyed clients in rooms of `roomSize` and starts each room's senders.
 *
 * @example
 * const load = await startWorkload({ url, clients: 300, roomSize: 10, sendsInFlightPerRoom: 4, connectBatch: 25 });
 */
export async function startWorkload(options: WorkloadOptions): Promise<Workload> {
  const { url, clients: count, roomSize, sendsInFlightPerRoom, connectBatch } = options;
  let measuring = false;
  let running = true;
  let accepted = 0;
  let deliveries = 0;
  let failedSends = 0;
  let startedAt = 0;
  const latenciesMs: number[] = [];
  const clients: PigeonClient[] = [];
  for (let first = 0; first < count; first += connectBatch) {
    const batch = Array.from({ length: Math.min(connectBatch, count - first) }, async (_, offset) => {
      const index = first + offset;
      const client = createClient({ url, logger: { warn: () => undefined }, socketOptions: { reconnectionDelay: 50 }, defaultRoomMode: "plain" });
      clients.push(client);
      client.on("message", ({ sentAt }) => {
        if (!measuring) return;
        deliveries += 1;
        latenciesMs.push(Date.now() - sentAt);
      });
      await client.connect();
      await client.login(`user${index}`, { identity: createIdentityKey() });
      await client.join(`room${Math.floor(index / roomSize)}`);
    });
    await Promise.all(batch);
  }

  const senders: Promise<void>[] = [];
  for (let first = 0; first < count; first += roomSize) {
    const room = `room${first / roomSize}`;
    for (let lane = 0; lane < sendsInFlightPerRoom; lane += 1) {
      // Lanes of one room send from different members, so one member's queue is not the limit.
      const sender = clients[first + (lane % roomSize)];
      if (sender !== undefined) senders.push(sendLoop(sender, room));
    }
  }

  async function sendLoop(client: PigeonClient, room: string): Promise<void> {
    while (running) {
      try {
        await client.send(room, TEXT);
        if (measuring) accepted += 1;
      } catch {
        if (measuring) failedSends += 1;
      }
    }
  }

  return {
    startMeasuring() {
      measuring = true;
      startedAt = Date.now();
    },
    async stop() {
      measuring = false;
      const seconds = (Date.now() - startedAt) / 1000;
      running = false;
      await Promise.all(senders);
      return { seconds, accepted, deliveries, failedSends, latenciesMs: latenciesMs.sort((x, y) => x - y) };
    },
    async close() {
      running = false;
      await Promise.allSettled(clients.map((client) => client.close()));
    },
  };
}

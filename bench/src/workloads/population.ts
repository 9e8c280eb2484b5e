import { createIdentity, type BenchIdentity } from "../clients/identity.js";
import { openMany } from "../clients/open-many.js";
import { Probe } from "../clients/probe.js";
import { ThinClient, type AckPolicy } from "../clients/thin-client.js";
import { LatencyHistogram, type LatencySummary } from "../measure/histogram.js";
import { waitUntil } from "../measure/wait.js";
import type { ServerProcess } from "../servers/process.js";

/** One room's clients. */
export interface RoomClients {
  readonly room: string;
  readonly members: readonly ThinClient[];
  readonly probes: readonly Probe[];
}

/** Clients set up in rooms, and what setting them up took. */
export interface Population {
  readonly rooms: readonly RoomClients[];
  readonly thin: readonly ThinClient[];
  readonly probes: readonly Probe[];
  readonly setupSeconds: number;
  /** `message` frames received by every client so far. */
  delivered(): number;
  /** Waits until `total` messages have been delivered, or 10 s; whether they were. */
  untilDelivered(total: number): Promise<boolean>;
  /** Frames and bytes the thin clients have received so far, of every kind. */
  received(): { frames: number; bytes: number };
  /** The latencies every probe has recorded, together. */
  probeLatency(): LatencySummary;
  close(): void;
}

/** How to populate. */
export interface PopulationSpec {
  /** Client i connects to ports[i % ports.length] (several nodes of one service). */
  readonly ports: readonly number[];
  /** Names are `${prefix}${index}`; rooms `${prefix}room-${index}`. */
  readonly prefix: string;
  readonly rooms: number;
  /** Members per room, probes included. */
  readonly roomSize: number;
  /** Real socket.io-client probes in the first room (part of its size). */
  readonly probes: number;
  /** Rooms that get `probes` probes each, from the first (default 1). */
  readonly probeRooms?: number;
  readonly keyed: boolean;
  /** How keyed thin clients ack (default: as the SDK does). */
  readonly acks?: AckPolicy;
  /** Encrypted rooms (keyed only): how each room's group is made, and how probes time messages. */
  readonly encrypted?: EncryptedRoomSetup;
}

/**
 * Every member joins with `mode: "encrypted"`; each room's first thin member joins before anyone
 * else and creates the room's MLS group (see mls/encrypted-rooms.ts).
 */
export interface EncryptedRoomSetup {
  create(client: ThinClient, room: string, identity: BenchIdentity, name: string, joinAck: unknown): Promise<void>;
  readonly scheduledMicrosOf: (message: string) => number | undefined;
}

// Clients being connected, logged in and joined at once.
const SETUP_CONCURRENCY = 100;
// How long a workload waits for the deliveries it expects before it reports what arrived.
const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * Populates `servers` (client i on servers[i % servers.length]), runs `run` on the population,
 * then kills the servers before it closes the clients: closing a thousand members one by one
 * would make Pigeon broadcast member lists to the rest during teardown, for nothing. The
 * servers are killed whatever fails, populating included.
 *
 * @example
 * const server = await startServer("pigeon");
 * const delivered = await withPopulation([server], { prefix: "f10-", rooms: 100, roomSize: 10, probes: 2, keyed: false }, async (population) => {
 *   await load(population);
 *   return population.delivered();
 * });
 */
export async function withPopulation<T>(
  servers: readonly ServerProcess[],
  spec: Omit<PopulationSpec, "ports">,
  run: (population: Population) => Promise<T>,
): Promise<T> {
  let population: Population | undefined;
  try {
    population = await populate({ ...spec, ports: servers.map((server) => server.port) });
    return await run(population);
  } finally {
    await Promise.all(servers.map((server) => server.kill()));
    population?.close();
  }
}

/**
 * The first thin member of each room that has one: the rooms' senders.
 *
 * @example
 * for (const sender of roomSenders(population)) sender.chat("hi");
 */
export function roomSenders(population: Population): ThinClient[] {
  return population.rooms.map((room) => room.members[0]).filter((client): client is ThinClient => client !== undefined);
}

/**
 * Connects `rooms × roomSize` clients (thin ones, plus a few probes in the first rooms), logs
 * each in (keyed or guest) and joins it to its room.
 */
async function populate(spec: PopulationSpec): Promise<Population> {
  const started = performance.now();
  const roomName = (index: number) => `${spec.prefix}room-${index}`;
  const probeCount = Math.min(spec.probes, spec.roomSize);
  const probeRooms = Math.min(spec.probeRooms ?? 1, spec.rooms);
  const mode = spec.encrypted ? "encrypted" : undefined;
  // Thin members: room r holds slots r*roomSize .. (r+1)*roomSize-1, probes taking the first
  // slots of the rooms that have them.
  const slots: number[] = [];
  for (let slot = 0; slot < spec.rooms * spec.roomSize; slot += 1) {
    const room = Math.floor(slot / spec.roomSize);
    if (room < probeRooms && slot % spec.roomSize < probeCount) continue;
    slots.push(slot);
  }
  const roomOf = (slot: number) => Math.floor(slot / spec.roomSize);
  const setUpThin = async (slot: number, first: boolean) => {
    const identity = spec.keyed ? createIdentity() : undefined;
    const name = `${spec.prefix}${String(slot)}`;
    const client = await ThinClient.connect({
      port: portFor(spec.ports, slot),
      name,
      ...(identity ? { identity } : {}),
      ...(spec.acks ? { acks: spec.acks } : {}),
    });
    await client.login();
    const joinAck = await client.join(roomName(roomOf(slot)), mode);
    if (first && spec.encrypted && identity) await spec.encrypted.create(client, roomName(roomOf(slot)), identity, name, joinAck);
    return client;
  };
  const closeThin = (client: ThinClient) => {
    client.close();
  };
  // In encrypted rooms, each room's first thin member makes the group before anyone else joins.
  const firstSlots = spec.encrypted ? slots.filter((slot, at) => at === 0 || roomOf(slots[at - 1] ?? -1) !== roomOf(slot)) : [];
  const creators = await openMany(firstSlots.length, SETUP_CONCURRENCY, (index) => setUpThin(firstSlots[index] ?? 0, true), closeThin);
  const probes: Probe[] = [];
  const probesByRoom: Probe[][] = Array.from({ length: spec.rooms }, () => []);
  try {
    for (let room = 0; room < probeRooms; room += 1) {
      for (let index = 0; index < probeCount; index += 1) {
        const probe = await Probe.connect({
          port: portFor(spec.ports, room * spec.roomSize + index),
          name: `${spec.prefix}probe-${room}-${index}`,
          ...(spec.keyed ? { identity: createIdentity() } : {}),
          ...(spec.encrypted ? { scheduledMicrosOf: spec.encrypted.scheduledMicrosOf } : {}),
        });
        probes.push(probe);
        probesByRoom[room]?.push(probe);
        await probe.join(roomName(room), mode);
        probe.recording = false;
      }
    }
  } catch (error) {
    for (const probe of probes) probe.close();
    for (const client of creators.clients) client.close();
    throw error;
  }
  const firsts = new Set(firstSlots);
  const restSlots = slots.filter((slot) => !firsts.has(slot));
  const opened = await openMany(restSlots.length, SETUP_CONCURRENCY, (index) => setUpThin(restSlots[index] ?? 0, false), closeThin).catch(
    (error: unknown) => {
      for (const probe of probes) probe.close();
      for (const client of creators.clients) client.close();
      throw error;
    },
  );
  const bySlot = new Map<number, ThinClient>();
  creators.clients.forEach((client, at) => bySlot.set(firstSlots[at] ?? 0, client));
  opened.clients.forEach((client, at) => bySlot.set(restSlots[at] ?? 0, client));
  const thin = slots.map((slot) => bySlot.get(slot)).filter((client): client is ThinClient => client !== undefined);
  const membersByRoom: ThinClient[][] = Array.from({ length: spec.rooms }, () => []);
  for (const slot of slots) {
    const client = bySlot.get(slot);
    if (client) membersByRoom[roomOf(slot)]?.push(client);
  }
  const rooms: RoomClients[] = membersByRoom.map((members, index) => ({
    room: roomName(index),
    members,
    probes: probesByRoom[index] ?? [],
  }));
  const delivered = () => {
    let total = 0;
    for (const client of thin) total += client.messages;
    for (const probe of probes) total += probe.messages;
    return total;
  };
  return {
    rooms,
    thin,
    probes,
    setupSeconds: (performance.now() - started) / 1000,
    received() {
      let frames = 0;
      let bytes = 0;
      for (const client of thin) {
        frames += client.frames;
        bytes += client.bytes;
      }
      return { frames, bytes };
    },
    probeLatency() {
      const latency = new LatencyHistogram();
      for (const probe of probes) latency.add(probe.latency);
      return latency.summary();
    },
    delivered,
    untilDelivered: (total) => waitUntil(() => delivered() >= total, DELIVERY_TIMEOUT_MS),
    close() {
      for (const client of thin) client.close();
      for (const probe of probes) probe.close();
    },
  };
}

function portFor(ports: readonly number[], slot: number): number {
  const port = ports[slot % ports.length];
  if (port === undefined) throw new Error("populate: no ports");
  return port;
}

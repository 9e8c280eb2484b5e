// The soak (issue 14): 2,000 connections to one relay log in (guests and keyed), join rooms,
// chat, leave and disconnect; afterwards the relay's heap is back to its baseline and its store
// holds nothing for them. The relay runs in a child process with --expose-gc, so its heap is
// weighed after full collections without the clients in it. A leak check, not a timing one:
// the work is bounded by count (each connection does the same few steps), batches keep the
// machine responsive, and the test timeout only stops a hang.
import type { Hello } from "@pigeon/protocol";
import { openFileLimit, startGcRelay, testIdentity, waitUntil, type GcRelay, type RelayConfigInput } from "@pigeon/testing";
import { io, type Socket } from "socket.io-client";
import { describe, expect, it, onTestFinished } from "vitest";

const CONNECTIONS = 2_000;
/**
 * The relay's configuration: the defaults, except for limits made for one address, which every
 * client here shares (127.0.0.1): those must let 2,000 connections and 1,100 new keyed
 * identities through.
 */
// Every client of the soak comes from 127.0.0.1, where a real deployment sees 2,000 addresses:
// the per-address limits are raised past the soak's counts (they have tests of their own).
const RELAY_CONFIG: RelayConfigInput = {
  handshakesPerMinute: 10_000,
  sessionsPerAddress: 10_000,
  loginsPerMinute: 10_000,
  newIdentitiesPerHour: 10_000,
  guestMessagesPerMinute: 100_000,
};
/** Connections that run each step at once. */
const BATCH = 100;
const ROOMS = 200;
const MESSAGES_EACH = 2;
/** The warm-up runs the same steps first, so the baseline counts what the relay keeps for good (compiled code, pools). */
const WARM_UP = 200;
const MIB = 1024 * 1024;
/**
 * How far above its baseline the relay's heap may end. Measured here (two cores, Node 20): the
 * 2,000 connections in their rooms cost the relay about 25 MiB (13 KiB each), and once they
 * had gone the heap was within 1 MiB of its baseline. Keeping a sixth of each connection's
 * state, or every socket's queue or membership record, would pass 4 MiB.
 */
const TOLERANCE_BYTES = 4 * MIB;
/** How long the relay may take to close what the clients closed (generous: the machine is shared; a leak never settles). */
const SETTLE_LIMIT_MS = 60_000;
/** One socket per client in this process and one per client in the relay's, plus headroom. */
const FDS_NEEDED = CONNECTIONS + 512;

const fdLimit = openFileLimit();
const enoughFds = fdLimit >= FDS_NEEDED;
if (!enoughFds) {
  const message = `the soak needs ${FDS_NEEDED} open files per process and ulimit -n is ${fdLimit}: raise it (ulimit -n 4096)`;
  if (process.env.CI === "true") throw new Error(message);
  console.warn(`skipping the soak: ${message}`);
}

interface Session {
  readonly socket: Socket;
  readonly name: string;
  readonly keyed: boolean;
  readonly rooms: readonly string[];
  /** The last seq seen per room, which a keyed member acks before it leaves. */
  readonly seen: Map<string, number>;
  readonly errors: unknown[];
}

function roomsOf(index: number): string[] {
  const count = 1 + (index % 3);
  return Array.from({ length: count }, (_, k) => `soak-${(index * 7 + k * 61) % ROOMS}`);
}

async function answer(socket: Socket, event: string, payload: unknown): Promise<unknown> {
  const result = (await socket.timeout(30_000).emitWithAck(event, payload)) as { ok: boolean; data?: unknown; error?: unknown };
  if (!result.ok) throw new Error(`${event} refused: ${JSON.stringify(result.error)}`);
  return result.data;
}

/** Connects, logs in (even indexes keyed, odd ones guests) and joins the session's rooms. */
async function open(url: string, index: number, prefix: string): Promise<Session> {
  const socket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true });
  const hello = await new Promise<Hello>((resolve, reject) => {
    socket.once("hello", resolve);
    socket.once("connect_error", reject);
  });
  const keyed = index % 2 === 0;
  const name = `${prefix}${keyed ? "k" : "g"}${index}`;
  const session: Session = { socket, name, keyed, rooms: roomsOf(index), seen: new Map(), errors: [] };
  socket.on("message", ({ room, seq }: { room: string; seq: number }) => session.seen.set(room, seq));
  socket.on("error", (error: unknown) => session.errors.push(error));
  await answer(socket, "login", keyed ? testIdentity().loginPayload(name, { origin: new URL(url).origin, challenge: hello.challenge }) : name);
  for (const room of session.rooms) await answer(socket, "join", room);
  return session;
}

async function chat(session: Session): Promise<void> {
  for (let n = 0; n < MESSAGES_EACH; n += 1) {
    await answer(session.socket, "chat", { room: session.rooms[n % session.rooms.length], text: `${session.name} says ${n}` });
  }
}

/** Acks what it saw (keyed members), leaves every room, and disconnects. */
async function close(session: Session): Promise<void> {
  for (const room of session.rooms) {
    const seq = session.seen.get(room);
    if (session.keyed && seq !== undefined) await answer(session.socket, "ack", { room, seq });
    await answer(session.socket, "leave", room);
  }
  session.socket.close();
}

/** Runs `step` over `items`, `BATCH` at a time. */
async function inBatches<T, R>(items: readonly T[], step: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += BATCH) results.push(...(await Promise.all(items.slice(start, start + BATCH).map(step))));
  return results;
}

/** The whole life of `count` connections: all open at once, then each chats, then each leaves. */
async function cycle(relay: GcRelay, count: number, prefix: string): Promise<{ keyed: string[]; guests: string[]; peakHeap: number }> {
  const indexes = Array.from({ length: count }, (_, index) => index);
  const sessions = await inBatches(indexes, (index) => open(relay.url, index, prefix));
  onTestFinished(() => {
    for (const { socket } of sessions) socket.close();
  });
  await inBatches(sessions, chat);
  const { heapUsed: peakHeap, sockets } = await relay.heap();
  expect(sockets).toBe(count);
  await inBatches(sessions, close);
  await waitUntil(async () => (await relay.state([], [])).sockets === 0, "every connection is closed at the relay", SETTLE_LIMIT_MS);
  expect(sessions.flatMap(({ errors }) => errors)).toEqual([]);
  const names = (keyed: boolean) => sessions.filter((session) => session.keyed === keyed).map(({ name }) => name);
  return { keyed: names(true), guests: names(false), peakHeap };
}

const ALL_ROOMS = Array.from({ length: ROOMS }, (_, room) => `soak-${room}`);

describe.skipIf(!enoughFds)("soak", () => {
  it(
    `${CONNECTIONS} connections log in, join, chat, leave and go; the relay's heap returns to its baseline and its store is empty`,
    async () => {
      const relay = await startGcRelay(RELAY_CONFIG, FDS_NEEDED);
      onTestFinished(() => relay.close());

      await cycle(relay, WARM_UP, "warm-");
      const baseline = (await relay.heap()).heapUsed;
      const { keyed, guests, peakHeap } = await cycle(relay, CONNECTIONS, "soak-");
      // What the relay still does for the departed (closing transports, batched member changes)
      // ends soon after their sockets close: weigh the heap until it is back, or stays up.
      const firstAfter = (await relay.heap()).heapUsed;
      let after = firstAfter;
      await waitUntil(
        async () => {
          after = (await relay.heap()).heapUsed;
          return after - baseline < TOLERANCE_BYTES;
        },
        () => `the heap is back within ${TOLERANCE_BYTES / MIB} MiB of its baseline (${((after - baseline) / MIB).toFixed(2)} MiB over)`,
        SETTLE_LIMIT_MS,
      );

      const perConnection = (peakHeap - baseline) / CONNECTIONS;
      console.log(
        `soak heap (MiB): baseline ${(baseline / MIB).toFixed(1)}, ${CONNECTIONS} connected ${(peakHeap / MIB).toFixed(1)} ` +
          `(${(perConnection / 1024).toFixed(1)} KiB each), right after ${(firstAfter / MIB).toFixed(1)}, settled ${(after / MIB).toFixed(1)} ` +
          `(${((after - baseline) / MIB).toFixed(2)} over)`,
      );
      // The tolerance only means something if the connections cost far more than it.
      expect(peakHeap - baseline).toBeGreaterThan(3 * TOLERANCE_BYTES);

      expect(await relay.state(ALL_ROOMS, keyed)).toMatchObject({ sockets: 0, heldEntries: 0, members: 0, held: 0, memberships: 0 });
      // The guests' names are free again.
      const again = await open(relay.url, 1, "soak-");
      expect(guests).toContain(again.name);
      again.socket.close();
    },
    300_000,
  );
});

import { createIdentityKey } from "@pigeon/crypto";
import { PigeonError, type PigeonClient } from "@pigeon/client";
import { ChaosMember } from "./chaos-member.js";
import { nextEvent, waitUntil } from "./wait.js";
import type { Random } from "./prng.js";

export { ChaosMember };

/** What each room accepted during a chaos run: room -> seq -> text. */
export type Accepted = Map<string, Map<number, string>>;

/**
 * What a chaos run needs from its test: the client's own delivery tests run it against one
 * server, tests/e2e against nodes behind a load balancer.
 */
export interface ChaosWorld {
  readonly random: Random;
  /**
   * Whether the relay writes each message to every member's connection before it acks the
   * message to its sender: true for one relay on socket.io's in-memory adapter (the memory
   * store), so a member that leaves after that ack must have had it. The Redis adapter delivers
   * a broadcast, even to this node's own sockets, only once Redis answered its publish, and
   * across nodes through Redis: a leave may be processed first, and only what arrived counts.
   */
  readonly broadcastBeforeAck: boolean;
  /** A fresh client for `member`, not connected yet (a new process, as far as the server can tell). */
  client(member: ChaosMember): PigeonClient;
  /** Connects `client` and logs in with the member's key. */
  resume(member: ChaosMember, client: PigeonClient): Promise<unknown>;
  /** Cuts the member's connection the way a network failure does: no close handshake. */
  sever(name: string): void;
}

/** Every room keeps at least this many members who are not joining or leaving, so traffic flows. */
const MIN_STEADY_MEMBERS = 2;

/** `count` members with random non-empty sets of `rooms`, each room with at least two members. */
export function createMembers(random: Random, count: number, rooms: readonly string[]): ChaosMember[] {
  return Array.from({ length: count }, (_, i) => {
    const own = rooms.filter((_room, r) => i === 2 * r || i === 2 * r + 1 || random.next() < 0.5);
    return new ChaosMember(`member${i}`, createIdentityKey(), own.length > 0 ? own : [random.pick(rooms)]);
  });
}

/** Connects a member with a fresh client, and joins its initial rooms the first time. */
export async function bringOnline(world: ChaosWorld, member: ChaosMember, first: boolean): Promise<void> {
  const client = world.client(member);
  member.attach(client);
  await world.resume(member, client);
  if (!first) return;
  for (const room of member.initialRooms) member.joined(room, (await client.join(room)).seq);
  member.joinedAll();
}

/**
 * One random disruption: bring an away member back, sever a connection like a network
 * failure (the SDK reconnects by itself), or close a client for good (the member is away
 * until brought back by a new client, as after a restart of the app). Call it once every
 * {@link churn} has finished: a change it cut off would be known only from the SDK's rooms
 * after the reconnect, and its membership checked less strictly (as when a node dies).
 */
export async function disrupt(world: ChaosWorld, members: readonly ChaosMember[]): Promise<void> {
  const away = members.filter((member) => member.client === undefined);
  const online = members.filter((member) => member.client?.state === "connected" && !member.busy);
  const roll = world.random.next();
  if (away.length > 0 && roll < 0.35) {
    await bringOnline(world, world.random.pick(away), false);
  } else if (online.length > 1 && roll < 0.8) {
    const { name, client } = world.random.pick(online);
    if (client === undefined) return;
    const noticed = nextEvent(client, "state", (state) => state !== "connected");
    world.sever(name);
    // Until the client notices, it looks connected; it must not be taken for settled or closed.
    await noticed;
  } else if (online.length > 1) {
    const member = world.random.pick(online);
    const client = member.client;
    member.client = undefined;
    // close() acks what the app got before it lets go, so the next client starts after it.
    await client?.close();
  }
}

/**
 * A member to send from (online, not changing rooms) and one of its rooms; undefined if none.
 *
 * @example
 * const picked = pickSender(world.random, members);
 * if (picked) await send(picked.member, picked.room, "hi", accepted, failures);
 */
export function pickSender(random: Random, members: readonly ChaosMember[]): { member: ChaosMember; room: string } | undefined {
  const senders = members.filter((m) => m.client !== undefined && !m.busy && m.rooms.length > 0);
  if (senders.length === 0) return undefined;
  const member = random.pick(senders);
  return { member, room: random.pick(member.rooms) };
}

/**
 * One random change of membership, made while others send: a connected, caught-up member with
 * no send in flight joins one of `rooms` it is not in, leaves one of its rooms, or leaves one
 * and joins it again at once (which once lost the connection's broadcasts on Redis, see
 * leave-rejoin.e2e.test.ts). A room is left only while it keeps
 * two members who are not changing. Resolves once the change is recorded on the member (see
 * {@link ChaosMember.memberships}). Start it without awaiting, then keep sending; await it
 * before the next {@link disrupt}.
 *
 * @example
 * changes.push(churn(world, members, ROOMS, accepted, failures));
 */
export async function churn(
  world: ChaosWorld,
  members: readonly ChaosMember[],
  rooms: readonly string[],
  accepted: Accepted,
  failures: unknown[],
): Promise<void> {
  const ready = members.filter((m) => m.client?.state === "connected" && m.caughtUp && !m.busy && m.sending === 0);
  if (ready.length === 0) return;
  const member = world.random.pick(ready);
  const mine = member.rooms;
  const steady = (room: string) => members.filter((m) => !m.busy && m.rooms.includes(room)).length;
  const leavable = mine.filter((room) => steady(room) > MIN_STEADY_MEMBERS);
  const joinable = rooms.filter((room) => !mine.includes(room));
  // Joins as likely as leaves, so that rooms keep about the members they started with.
  const roll = world.random.next();
  const kind = roll < 0.5 ? "join" : roll >= 0.8 ? "bounce" : "leave";
  if ((kind === "join" ? joinable : leavable).length === 0) return;
  const room = world.random.pick(kind === "join" ? joinable : leavable);
  member.busy = true;
  try {
    if (kind !== "join" && !(await leave(world, member, room, accepted, failures))) return;
    if (kind !== "leave") await join(member, room, accepted, failures);
  } finally {
    member.busy = false;
  }
}

// Joins `room`. A join cut off with its connection may still have taken effect: the login
// after the reconnect resumes every membership the server has, so the SDK's rooms tell.
async function join(member: ChaosMember, room: string, accepted: Accepted, failures: unknown[]): Promise<void> {
  const known = highestSeq(accepted, room);
  try {
    member.joined(room, (await connected(member).join(room)).seq);
  } catch (error) {
    if (await cutOff(member, room, error, failures)) member.joined(room, undefined, known);
  }
}

// Leaves `room`; returns whether the member is out of it. Where broadcasts precede acks, the
// member must first have had everything accepted so far; a leave cut off with its connection that took effect
// anyway is undone by the SDK's rejoin on reconnecting, which reports the gap as expired.
async function leave(world: ChaosWorld, member: ChaosMember, room: string, accepted: Accepted, failures: unknown[]): Promise<boolean> {
  const owed = world.broadcastBeforeAck ? highestSeq(accepted, room) : undefined;
  try {
    await connected(member).leave(room);
    member.left(room, owed);
    return true;
  } catch (error) {
    const inRoom = await cutOff(member, room, error, failures);
    if (inRoom === true) member.lapsed(room);
    if (inRoom === false) member.left(room, undefined);
    return inRoom === false;
  }
}

// After a join or leave failed: a failure other than a lost connection is the test's, and
// its outcome unknown (undefined); after a lost one, whether the member is in `room` once
// its client has reconnected and caught up.
async function cutOff(member: ChaosMember, room: string, error: unknown, failures: unknown[]): Promise<boolean | undefined> {
  if (!(error instanceof PigeonError && error.code === "DISCONNECTED")) {
    failures.push(error);
    return undefined;
  }
  await waitUntil(
    () => member.client?.state === "connected" && member.caughtUp,
    () => `${member.name} did not reconnect after a change of ${room} was cut off`,
  );
  return connected(member).rooms.includes(room);
}

function connected(member: ChaosMember): PigeonClient {
  if (member.client === undefined) throw new Error(`${member.name} is away`);
  return member.client;
}

function highestSeq(accepted: Accepted, room: string): number {
  return Math.max(0, ...(accepted.get(room)?.keys() ?? []));
}

/**
 * What changes of membership a run made, for its annotation.
 *
 * @example
 * await annotate(churnSummary(members));
 */
export function churnSummary(members: readonly ChaosMember[]): string {
  const all = members.flatMap((member) => [...member.memberships.values()].flat());
  const initial = members.reduce((sum, member) => sum + member.initialRooms.length, 0);
  const cutOff = all.filter((membership) => membership.from === undefined || membership.lapsed === true).length;
  const warnings = members.reduce((sum, member) => sum + member.warnings.length, 0);
  const ended = all.filter((membership) => membership.end !== undefined).length;
  return `${all.length - initial} joins and ${ended} leaves under traffic, ${cutOff} of them cut off by a lost connection; ${warnings} SDK warnings`;
}

/** Resolves once every member is online, connected and caught up in every room. */
export async function settle(world: ChaosWorld, members: readonly ChaosMember[]): Promise<void> {
  for (const member of members) if (member.client === undefined) await bringOnline(world, member, false);
  await waitUntil(
    () => members.every((member) => member.client?.state === "connected" && member.caughtUp),
    () => `not settled: ${members.filter((m) => m.client?.state !== "connected" || !m.caughtUp).map((m) => `${m.name} (${m.client?.state ?? "away"})`).join(", ")}`,
  );
}

import { createIdentityKey } from "@pigeon/crypto";
import type { PigeonClient } from "@pigeon/client";
import { ChaosMember } from "./chaos-member.js";
import { nextEvent, waitUntil } from "./wait.js";
import type { Random } from "./prng.js";

export { ChaosMember };

/**
 * What a chaos run needs from its test: the client's own delivery tests run it against one
 * server, tests/e2e against nodes behind a load balancer.
 */
export interface ChaosWorld {
  readonly random: Random;
  /** A fresh client for `member`, not connected yet (a new process, as far as the server can tell). */
  client(member: ChaosMember): PigeonClient;
  /** Connects `client` and logs in with the member's key. */
  resume(member: ChaosMember, client: PigeonClient): Promise<unknown>;
  /** Cuts the member's connection the way a network failure does: no close handshake. */
  sever(name: string): void;
}

/** `count` members with random non-empty sets of `rooms`, each room with at least two members. */
export function createMembers(random: Random, count: number, rooms: readonly string[]): ChaosMember[] {
  return Array.from({ length: count }, (_, i) => {
    const own = rooms.filter((_room, r) => i === 2 * r || i === 2 * r + 1 || random.next() < 0.5);
    return new ChaosMember(`member${i}`, createIdentityKey(), own.length > 0 ? own : [random.pick(rooms)]);
  });
}

/** Connects a member with a fresh client, and joins its rooms the first time. */
export async function bringOnline(world: ChaosWorld, member: ChaosMember, first: boolean): Promise<void> {
  const client = world.client(member);
  member.attach(client);
  await world.resume(member, client);
  if (!first) return;
  for (const room of member.rooms) await client.join(room);
  member.joinedAll();
}

/**
 * One random disruption: bring an away member back, sever a connection like a network
 * failure (the SDK reconnects by itself), or close a client for good (the member is away
 * until brought back by a new client, as after a restart of the app).
 */
export async function disrupt(world: ChaosWorld, members: readonly ChaosMember[]): Promise<void> {
  const away = members.filter((member) => member.client === undefined);
  const online = members.filter((member) => member.client?.state === "connected");
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

/** Resolves once every member is online, connected and caught up in every room. */
export async function settle(world: ChaosWorld, members: readonly ChaosMember[]): Promise<void> {
  for (const member of members) if (member.client === undefined) await bringOnline(world, member, false);
  await waitUntil(
    () => members.every((member) => member.client?.state === "connected" && member.caughtUp),
    () => `not settled: ${members.filter((m) => m.client?.state !== "connected" || !m.caughtUp).map((m) => `${m.name} (${m.client?.state ?? "away"})`).join(", ")}`,
  );
}

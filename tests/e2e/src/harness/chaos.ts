// The chaos run of @pigeon/client's delivery tests, spread over nodes behind a load balancer:
// members come and go, connections are cut like network failures, and every member must end
// with every message of its rooms exactly once and in order.
import { createIdentityKey } from "@pigeon/crypto";
import type { ClientPool } from "./clients.js";
import type { LoadBalancer } from "./load-balancer.js";
import { ChaosMember, type Random } from "@pigeon/client/testing";
import { nextEvent, waitUntil } from "./wait.js";

export { ChaosMember };

const SETTLE_LIMIT_MS = 30_000;

/** What a chaos run works with: clients go through `balancer`. */
export interface ChaosWorld {
  readonly balancer: LoadBalancer;
  readonly pool: ClientPool;
  readonly random: Random;
}

/** `count` members with random non-empty sets of `rooms`, each room with at least two members. */
export function createMembers(random: Random, count: number, rooms: readonly string[]): ChaosMember[] {
  return Array.from({ length: count }, (_, i) => {
    const own = rooms.filter((room, r) => i === 2 * r || i === 2 * r + 1 || random.next() < 0.5);
    return new ChaosMember(`member${i}`, createIdentityKey(), own.length > 0 ? own : [random.pick(rooms)]);
  });
}

/** Connects a member with a fresh client through the balancer, and joins its rooms the first time. */
export async function bringOnline({ balancer, pool }: ChaosWorld, member: ChaosMember, first: boolean): Promise<void> {
  const client = pool.client(balancer.url, { label: member.name });
  member.attach(client);
  await pool.resume(balancer.url, member.name, member.key, client);
  if (!first) return;
  for (const room of member.rooms) await client.join(room);
  member.joinedAll();
}

/**
 * One random disruption: bring an away member back, cut a connection at the balancer like a
 * network failure (the SDK reconnects by itself, maybe to another node), or close a client for
 * good (the member is away until a new client brings it back, as after an app restart).
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
    if (world.balancer.sever(name) === 0) throw new Error(`${name} is connected but not through the balancer`);
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
    SETTLE_LIMIT_MS,
  );
}

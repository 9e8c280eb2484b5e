import type { PigeonClient } from "@pigeon/client";
import { createIdentityKey } from "@pigeon/crypto";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { balancedChaosWorld, bringOnline, churn, churnSummary, createMembers, disrupt, pickSender, settle, type ChaosMember } from "./harness/chaos.js";
import type { ClientPool } from "@pigeon/testing";
import { nodeClientPool } from "./harness/pool.js";
import { roomHoldings } from "./harness/store-view.js";
import { startLoadBalancer, type LoadBalancer } from "./harness/load-balancer.js";
import { omits, shows } from "./harness/members.js";
import { HEARTBEAT_INTERVAL_MS, startPigeonCluster, type PigeonCluster } from "./harness/pigeon-cluster.js";
import type { PigeonNode } from "./harness/pigeon-node.js";
import { describeWithRedis, expectEveryMemberHasAll, nextEvent, seededRandom, send, waitUntil } from "@pigeon/testing";

// CHAOS_SEED=n explores other runs; a failure names the seed it ran with, so it can be replayed.
const SEED = Number(process.env.CHAOS_SEED ?? 20_261_203);
const MEMBERS = 15;
const ROOMS = ["alpha", "beta", "gamma"] as const;
const MESSAGES = 3_000;
const KILL_AT = MESSAGES / 2;
const MESSAGES_PER_DISRUPTION = 40;
/** A member joins or leaves a room this often, while the sends around it are in flight. */
const MESSAGES_PER_CHURN = 8;
/** Sends in flight at once, so that the kill, joins and leaves land mid-traffic rather than between two sends. */
const SENDS_IN_FLIGHT = 8;
/** A killed node is presumed dead after 3 missed heartbeats; allow a few more for the reaping. */
const REAPED_WITHIN_MS = HEARTBEAT_INTERVAL_MS * 8;
const FAILOVER_LIMIT_MS = 20_000;
const GHOST_GUEST = "ghost guest";

await describeWithRedis("failover: three nodes behind a load balancer, one killed with SIGKILL", (url) => {
  const target = { url, cluster: false };
  let cluster: PigeonCluster | undefined;
  let balancer: LoadBalancer | undefined;
  const pool = nodeClientPool();
  beforeAll(async () => {
    // The balancer first: the nodes answer at its origin (as behind a real one) and at their own.
    balancer = await startLoadBalancer(() => cluster?.nodes ?? []);
    cluster = await startPigeonCluster({ redis: target, count: 3, label: "failover", env: { PIGEON_PUBLIC_ORIGINS: `${balancer.url},self` } });
  });
  afterEach(() => pool.closeAll());
  afterAll(async () => {
    await balancer?.close();
    await cluster?.stop();
  });

  it(`delivers every message exactly once and in order through disconnects, joins, leaves and a node's death (seed ${SEED})`, async ({ annotate }) => {
    if (cluster === undefined || balancer === undefined) throw new Error("not started");
    const { prefix } = cluster;
    const random = seededRandom(SEED);
    const world = balancedChaosWorld(balancer, pool, random);
    const victim = random.pick(cluster.nodes);
    const survivor = cluster.nodes.find((node) => node !== victim);
    if (survivor === undefined) throw new Error("no survivor");
    const watch = await watchVictim(pool, victim, survivor);

    const members = createMembers(random, MEMBERS, ROOMS);
    for (const member of members) await bringOnline(world, member, true);
    const accepted = new Map<string, Map<number, string>>(ROOMS.map((room) => [room, new Map()]));
    const inFlight: Promise<void>[] = [];
    const changes: Promise<void>[] = [];
    const failures: unknown[] = [];
    let failover: Promise<{ reapedAfterMs: number; moved: number }> | undefined;

    for (let i = 1; i <= MESSAGES; i += 1) {
      if (i === KILL_AT) {
        failover = killAndFailOver(victim, members, watch, pool, balancer.url);
        // Awaited at the next disruption; until then a failure must not count as unhandled.
        failover.catch(() => undefined);
      }
      if (i % MESSAGES_PER_DISRUPTION === 0) {
        // Closing a client whose node just died would lose its unacked messages (an SDK limit
        // the README states), so disruptions wait until the victim's clients have moved. Nor
        // may one cut a join or leave short, whose outcome the checks need; the kill may (the
        // member's next login tells what it is in).
        await failover;
        await Promise.all(changes.splice(0));
        await disrupt(world, members);
      }
      if (i % MESSAGES_PER_CHURN === 0) changes.push(churn(world, members, ROOMS, accepted, failures));
      const picked = pickSender(random, members);
      if (picked === undefined) continue;
      inFlight.push(send(picked.member, picked.room, `message ${i} from ${picked.member.name}`, accepted, failures));
      if (inFlight.length >= SENDS_IN_FLIGHT) await inFlight.shift();
      expect(failures).toEqual([]);
    }
    await Promise.all([...inFlight, ...changes]);
    expect(failures).toEqual([]);
    const killed = await failover;
    if (killed === undefined) throw new Error("the victim was never killed");
    await annotate(`${killed.moved} members failed over from ${victim.id}; its users were shown offline ${killed.reapedAfterMs} ms after the SIGKILL`);
    await annotate(churnSummary(members));

    await settle(world, members);
    expect(members.every((member) => member.client?.hello?.serverId !== victim.id)).toBe(true);
    const lastSeqs = [];
    for (const room of ROOMS) lastSeqs.push(await expectEveryMemberHasAll(room, members, accepted.get(room) ?? new Map()));
    await waitUntil(
      async () => (await roomHoldings(target, prefix, ROOMS)).every((room) => room.held === 0),
      () => "the store still holds messages after the final acks",
      10_000,
    );
    expect((await roomHoldings(target, prefix, ROOMS)).map((room) => room.latestSeq)).toEqual(lastSeqs);
  }, 240_000);
});

/**
 * A watcher on a surviving node, and a keyed user and a guest pinned to the node to be killed
 * that never reconnect: only the other nodes' reaping can show them offline.
 */
async function watchVictim(pool: ClientPool, victim: PigeonNode, survivor: PigeonNode): Promise<PigeonClient> {
  const watcher = await pool.keyed(survivor.url, "watcher", "watch");
  const seen = nextEvent(watcher.client, "members", (e) => shows(e, "watch", "ghost", true) && shows(e, "watch", GHOST_GUEST, true));
  const noReconnect = { socketOptions: { reconnection: false } };
  const ghost = await pool.resume(victim.url, "ghost", createIdentityKey(), pool.client(victim.url, noReconnect));
  await ghost.join("watch", { mode: "plain" });
  const guest = pool.client(victim.url, noReconnect);
  await guest.connect();
  await guest.login(GHOST_GUEST);
  await guest.join("watch");
  await seen;
  return watcher.client;
}

/**
 * SIGKILLs the victim, then waits until the watcher sees its users offline (returns how long
 * that took) and every member's client has moved to another node through the balancer.
 */
async function killAndFailOver(victim: PigeonNode, members: readonly ChaosMember[], watcher: PigeonClient, pool: ClientPool, balancerUrl: string): Promise<{ reapedAfterMs: number; moved: number }> {
  const reaped = nextEvent(watcher, "members", (e) => shows(e, "watch", "ghost", false) && omits(e, "watch", GHOST_GUEST), REAPED_WITHIN_MS);
  const moving = members.filter((member) => member.client?.hello?.serverId === victim.id).length;
  if (moving === 0) throw new Error(`no member is on ${victim.id}: the kill would show nothing`);
  const killedAt = Date.now();
  await victim.kill("SIGKILL");
  await reaped;
  const reapedAfterMs = Date.now() - killedAt;
  // The dead node's hold on the guest's name is gone too: anyone may take it now.
  const newcomer = pool.client(balancerUrl);
  await newcomer.connect();
  await newcomer.login(GHOST_GUEST);
  await waitUntil(
    () => members.every((m) => m.client === undefined || (m.client.state === "connected" && m.client.hello?.serverId !== victim.id)),
    () => `still on ${victim.id} or not connected: ${members.filter((m) => m.client?.hello?.serverId === victim.id || (m.client && m.client.state !== "connected")).map((m) => m.name).join(", ")}`,
    FAILOVER_LIMIT_MS,
  );
  return { reapedAfterMs, moved: moving };
}

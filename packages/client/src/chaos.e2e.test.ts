import { expect, it } from "vitest";
import {
  bringOnline,
  churn,
  churnSummary,
  createMembers,
  describeEachStore,
  disrupt,
  expectEveryMemberHasAll,
  pickSender,
  seededRandom,
  send,
  settle,
  severConnection,
  useClients,
  useRelayPerTest,
  waitUntil,
  type ChaosWorld,
} from "@pigeon/testing";

// CHAOS_SEED=n explores other runs; a failure names the seed it ran with, so it can be replayed.
const SEED = Number(process.env.CHAOS_SEED ?? 20_261_127);
const CLIENTS = 20;
const ROOMS = ["alpha", "beta", "gamma"] as const;
const MESSAGES = 5_000;
const MESSAGES_PER_DISRUPTION = 40;
/** A member joins or leaves a room this often, while the sends around it are in flight. */
const MESSAGES_PER_CHURN = 8;
/** Sends in flight at once, so that joins and leaves meet messages being accepted. */
const SENDS_IN_FLIGHT = 4;

describeEachStore("chaos", (store) => {
  const server = useRelayPerTest({ store });
  const { client, resume } = useClients(server);

  it(`delivers every message to every member exactly once and in order through random disconnects, joins and leaves (seed ${SEED})`, async ({ annotate }) => {
    const world: ChaosWorld = {
      random: seededRandom(SEED),
      broadcastBeforeAck: store === "memory",
      client: (member) => client({ logger: member.logger }),
      resume: (member, fresh) => resume(member.name, member.key, fresh),
      sever: (name) => {
        severConnection(server(), name);
      },
    };
    const members = createMembers(world.random, CLIENTS, ROOMS);
    for (const member of members) await bringOnline(world, member, true);

    const accepted = new Map(ROOMS.map((room) => [room, new Map<number, string>()]));
    const failures: unknown[] = [];
    const inFlight: Promise<void>[] = [];
    const changes: Promise<void>[] = [];
    for (let i = 1; i <= MESSAGES; i += 1) {
      if (i % MESSAGES_PER_DISRUPTION === 0) {
        // A disruption never cuts a join or leave short: the checks need to know its outcome.
        await Promise.all(changes.splice(0));
        await disrupt(world, members);
      }
      if (i % MESSAGES_PER_CHURN === 0) changes.push(churn(world, members, ROOMS, accepted, failures));
      const picked = pickSender(world.random, members);
      if (picked === undefined) continue;
      inFlight.push(send(picked.member, picked.room, `message ${i} from ${picked.member.name}`, accepted, failures));
      if (inFlight.length >= SENDS_IN_FLIGHT) await inFlight.shift();
    }
    await Promise.all([...inFlight, ...changes]);
    expect(failures).toEqual([]);
    await annotate(churnSummary(members));

    await settle(world, members);
    for (const room of ROOMS) await expectEveryMemberHasAll(room, members, accepted.get(room) ?? new Map());
    await waitUntil(async () => (await server().relay.context.store.heldEntries()) === 0, () => "the store still holds entries after the final acks");
  }, 180_000);
});

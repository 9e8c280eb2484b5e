import { expect, it } from "vitest";
import {
  bringOnline,
  createMembers,
  describeEachStore,
  disrupt,
  expectEveryMemberHasAll,
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

describeEachStore("chaos", (store) => {
  const server = useRelayPerTest({ store });
  const { client, resume } = useClients(server);

  it(`delivers every message of every room exactly once and in order through random disconnects (seed ${SEED})`, async () => {
    const world: ChaosWorld = {
      random: seededRandom(SEED),
      client: () => client(),
      resume: (member, fresh) => resume(member.name, member.key, fresh),
      sever: (name) => {
        severConnection(server(), name);
      },
    };
    const members = createMembers(world.random, CLIENTS, ROOMS);
    for (const member of members) await bringOnline(world, member, true);

    const accepted = new Map(ROOMS.map((room) => [room, new Map<number, string>()]));
    const failures: unknown[] = [];
    for (let i = 1; i <= MESSAGES; i += 1) {
      if (i % MESSAGES_PER_DISRUPTION === 0) await disrupt(world, members);
      const sender = world.random.pick(members.filter((member) => member.client !== undefined));
      await send(sender.client, world.random.pick(sender.rooms), `message ${i} from ${sender.name}`, accepted, failures);
    }
    expect(failures).toEqual([]);

    await settle(world, members);
    for (const room of ROOMS) {
      await expectEveryMemberHasAll(room, members.filter((member) => member.rooms.includes(room)), accepted.get(room) ?? new Map());
    }
    await waitUntil(async () => (await server().relay.context.store.heldEntries()) === 0, () => "the store still holds entries after the final acks");
  }, 180_000);
});

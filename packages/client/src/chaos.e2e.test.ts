import { expect, it } from "vitest";
import { PigeonError } from "./index.js";
import { bringOnline, type ChaosMember, type ChaosWorld, createMembers, describeEachStore, disrupt, seededRandom, seqsUpTo, settle, severConnection, useClients, useRelayPerTest, waitUntil } from "@pigeon/testing";

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

    for (let i = 1; i <= MESSAGES; i += 1) {
      if (i % MESSAGES_PER_DISRUPTION === 0) await disrupt(world, members);
      const sender = world.random.pick(members.filter((member) => member.client !== undefined));
      try {
        await sender.client?.send(world.random.pick(sender.rooms), `message ${i}`);
      } catch (error) {
        // Severed with the send in flight: it may or may not have been accepted. Either way
        // every member must end up with the room's seqs 1..last, without a hole.
        if (!(error instanceof PigeonError && error.code === "DISCONNECTED")) throw error;
      }
    }

    await settle(world, members);
    for (const room of ROOMS) await expectEveryMemberHasAll(room, members.filter((member) => member.rooms.includes(room)));
    await waitUntil(async () => (await server().relay.context.store.heldEntries()) === 0, () => "the store still holds entries after the final acks");
  }, 180_000);
});

// A last message per room is a barrier: once a member has it, everything before it is in.
async function expectEveryMemberHasAll(room: string, members: readonly ChaosMember[]): Promise<void> {
  const [first] = members;
  if (first?.client === undefined) throw new Error(`nobody online in ${room}`);
  const { seq: last } = await first.client.send(room, "last");
  await waitUntil(
    () => members.every((member) => member.seqs(room).at(-1) === last),
    () => `${room}: ${members.map((m) => `${m.name} ends at ${m.seqs(room).at(-1) ?? "nothing"}`).join(", ")}; expected ${last}`,
  );
  for (const member of members) expect(member.seqs(room), `${member.name} in ${room}`).toEqual(seqsUpTo(last));
}

import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { PigeonError } from "./index.js";
import {
  bringOnline,
  churn,
  churnSummary,
  clientPool,
  createMembers,
  describeEachStore,
  disrupt,
  expectEveryMemberHasAll,
  freePort,
  pickSender,
  seededRandom,
  send,
  settle,
  severConnection,
  startTestServer,
  useClients,
  useRelayPerTest,
  waitUntil,
  type Accepted,
  type ChaosMember,
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

/** What one chaos run's traffic works with: sends and changes of membership in flight. */
interface Run {
  readonly world: ChaosWorld;
  readonly members: readonly ChaosMember[];
  readonly failures: unknown[];
  readonly inFlight: Promise<void>[];
  readonly changes: Promise<void>[];
}

// Messages `from`..`to`, each sent by `sendOne` with a few in flight, with a join or leave
// every MESSAGES_PER_CHURN and a disruption every MESSAGES_PER_DISRUPTION.
async function traffic(run: Run, from: number, to: number, accepted: Accepted, sendOne: (member: ChaosMember, room: string, text: string) => Promise<void>): Promise<void> {
  const { world, members, failures, inFlight, changes } = run;
  for (let i = from; i <= to; i += 1) {
    if (i % MESSAGES_PER_DISRUPTION === 0) {
      // A disruption never cuts a join or leave short: the checks need to know its outcome.
      await Promise.all(changes.splice(0));
      await disrupt(world, members);
    }
    if (i % MESSAGES_PER_CHURN === 0) changes.push(churn(world, members, ROOMS, accepted, failures));
    const picked = pickSender(world.random, members);
    if (picked === undefined) continue;
    inFlight.push(sendOne(picked.member, picked.room, `message ${i} from ${picked.member.name}`));
    if (inFlight.length >= SENDS_IN_FLIGHT) await inFlight.shift();
  }
}

describeEachStore("chaos", (store) => {
  const server = useRelayPerTest({ store });
  const { client, resume } = useClients(server, { mode: "plain" }, { defaultRoomMode: "plain" });

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
    const run: Run = { world, members, failures, inFlight, changes };
    await traffic(run, 1, MESSAGES, accepted, (member, room, text) => send(member, room, text, accepted, failures));
    await Promise.all([...inFlight, ...changes]);
    expect(failures).toEqual([]);
    await annotate(churnSummary(members));

    await settle(world, members);
    for (const room of ROOMS) await expectEveryMemberHasAll(room, members, accepted.get(room) ?? new Map());
    await waitUntil(async () => (await server().relay.context.store.heldEntries()) === 0, () => "the store still holds entries after the final acks");
  }, 180_000);
});

/** Members and messages of each half of the run through a restart. */
const RESTART_CLIENTS = 12;
const MESSAGES_PER_HALF = 1_200;

describe("chaos through a restart of the relay (memory store)", () => {
  const pool = clientPool({ defaultRoomMode: "plain" });
  afterEach(() => pool.closeAll());

  it(`keeps each run of every room exactly once and in order, and loses nothing sent after the restart (seed ${SEED})`, async ({ annotate }) => {
    const port = await freePort();
    let server = await startTestServer({}, { port });
    onTestFinished(() => server.close());
    const { url } = server;
    const world: ChaosWorld = {
      random: seededRandom(SEED),
      broadcastBeforeAck: true,
      client: (member) => pool.client(url, { logger: member.logger }),
      resume: (member, fresh) => pool.resume(url, member.name, member.key, fresh),
      sever: (name) => {
        severConnection(server, name);
      },
    };
    const members = createMembers(world.random, RESTART_CLIENTS, ROOMS);
    for (const member of members) await bringOnline(world, member, true);

    // Each accepted message goes under the run its ack names: a send cut off by the restart is
    // sent again by the SDK, and lands in the new run.
    const firstRun = new Map<string, string>();
    let restarted = false;
    const before: Accepted = new Map(ROOMS.map((room) => [room, new Map<number, string>()]));
    const after: Accepted = new Map(ROOMS.map((room) => [room, new Map<number, string>()]));
    const failures: unknown[] = [];
    const inFlight: Promise<void>[] = [];
    const changes: Promise<void>[] = [];
    const sendTracked = async (member: ChaosMember, room: string, text: string): Promise<void> => {
      const { client } = member;
      if (client === undefined) return;
      member.sending += 1;
      try {
        const ack = await client.send(room, text);
        if (!restarted && !firstRun.has(room)) firstRun.set(room, ack.incarnation);
        (ack.incarnation === firstRun.get(room) ? before : after).get(room)?.set(ack.seq, text);
      } catch (error) {
        if (!(error instanceof PigeonError && error.code === "DISCONNECTED")) failures.push(error);
      } finally {
        member.sending -= 1;
      }
    };
    const run: Run = { world, members, failures, inFlight, changes };

    await traffic(run, 1, MESSAGES_PER_HALF, before, sendTracked);
    // Everyone connected (the memory store forgets the away), joins and leaves settled, sends
    // still in flight: then the relay restarts on the same port, with an empty store.
    await Promise.all(changes.splice(0));
    for (const member of members) if (member.client === undefined) await bringOnline(world, member, false);
    const roomsAtRestart = new Map(members.map((member) => [member, member.rooms]));
    restarted = true;
    await server.close();
    server = await startTestServer({}, { port });
    // Each SDK reconnects, logs in and rejoins its rooms by itself.
    await settle(world, members);
    for (const member of members) member.startOver(firstRun);
    await traffic(run, MESSAGES_PER_HALF + 1, 2 * MESSAGES_PER_HALF, after, sendTracked);
    await Promise.all([...inFlight, ...changes]);
    expect(failures).toEqual([]);
    await annotate(churnSummary(members));

    // The first run: what each member got, exactly once and in order, with the accepted text;
    // what it lacks, it was told it cannot have (the room started over).
    for (const member of members) {
      for (const [room, messages] of member.before) {
        const seqs = messages.map(({ seq }) => seq);
        expect.soft(seqs.filter((seq, i) => i > 0 && seq <= (seqs[i - 1] ?? 0)), `${member.name}'s first run of ${room} out of order`).toEqual([]);
        const wrong = messages.filter(({ seq, message }) => before.get(room)?.has(seq) === true && before.get(room)?.get(seq) !== message);
        expect.soft(wrong, `${member.name}'s first run of ${room} with other texts`).toEqual([]);
      }
      for (const room of roomsAtRestart.get(member) ?? []) expect.soft(member.restarted, `${member.name} told ${room} started over`).toContain(room);
    }
    // The second run: the same checks as any chaos run.
    await settle(world, members);
    for (const room of ROOMS) await expectEveryMemberHasAll(room, members, after.get(room) ?? new Map());
    await waitUntil(async () => (await server.relay.context.store.heldEntries()) === 0, () => "the store still holds entries after the final acks");
  }, 180_000);
});

import {
  clientPool,
  describeEachStore,
  nextEvent,
  record,
  recordByRoom,
  useMember,
  useRelay,
  useRelayPerTest,
  untyped,
  waitUntil,
  type ClientPool,
  type KeyedUser,
  type PoolClientOptions,
} from "@pigeon/testing";
import { createIdentityKey, MemoryGroupStateStore } from "@pigeon/crypto";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import type { PigeonError } from "./index.js";

// Encrypted rooms through a real relay and real SDK clients: the relay carries MLS messages it
// cannot read; each member's SDK joins the group by itself and hands the app decrypted text.

const pool = clientPool({}, { mode: "encrypted" });
afterEach(() => pool.closeAll());

function texts(user: KeyedUser, room = "team"): string[] {
  return (user.received.get(room) ?? []).map(({ user: sender, message }) => `${sender}: ${message}`);
}

/** Resolves once `user` has handed over `count` messages of `room`. */
function readAll(user: KeyedUser, count: number, room = "team"): Promise<void> {
  return waitUntil(
    () => (user.received.get(room) ?? []).length >= count,
    () => `${user.name} has ${(user.received.get(room) ?? []).length} of ${count} messages`,
  );
}

describeEachStore("an encrypted room", (store) => {
  const server = useRelayPerTest({ store });

  it("carries text its members read decrypted, marked encrypted, and that the relay only saw as MLS", async () => {
    const alice = await pool.keyed(server().url, "alice", "team");
    const bob = await pool.keyed(server().url, "bob", "team");
    expect(alice.client.modeOf("team")).toBe("encrypted");
    const ack = await alice.client.send("team", "hello bob");
    await readAll(bob, 1);
    expect(bob.received.get("team")).toEqual([expect.objectContaining({ user: "alice", message: "hello bob", encrypted: true, mls: "application", seq: ack.seq })]);
    await bob.client.send("team", "hi alice");
    // Alice gets her own echo too (its text from her own send), then bob's.
    await readAll(alice, 2);
    expect(texts(alice)).toEqual(["alice: hello bob", "bob: hi alice"]);
    expect(alice.received.get("team")?.every((message) => message.encrypted)).toBe(true);
  });

  it("lets a member that was offline read every message sent meanwhile, through three commits, in order", async () => {
    const alice = await pool.keyed(server().url, "alice", "team");
    // Bob keeps his group state between his two clients, as a profile's file store would.
    const stateStore = new MemoryGroupStateStore();
    const bob = await keyedWith(pool, server().url, "bob", { mls: { stateStore } }, "team");
    const carolSeen = nextEvent(bob.client, "group", ({ joined }) => joined.includes("carol"));
    const carol = await pool.keyed(server().url, "carol", "team");
    await carolSeen;
    await bob.client.close();

    const sent: string[] = [];
    const say = async (from: number, to: number) => {
      for (let index = from; index < to; index += 1) {
        await alice.client.send("team", `message ${index}`);
        sent.push(`alice: message ${index}`);
      }
    };
    await say(0, 15);
    await pool.keyed(server().url, "dave", "team"); // commit 1: a join
    await say(15, 30);
    await carol.client.leave("team"); // commit 2: carol's removal, by alice's next send
    await say(30, 40);
    await pool.keyed(server().url, "erin", "team"); // commit 3: a join
    await say(40, 50);

    const back = pool.client(server().url, { mls: { stateStore } });
    const returned: KeyedUser = { ...bob, client: back, received: recordByRoom(back) };
    const undecryptable = record(back, "undecryptable");
    const rejoins = record(back, "group");
    await pool.resume(server().url, "bob", bob.key, back);
    await readAll(returned, 50);
    expect(texts(returned)).toEqual(sent);
    expect(undecryptable).toEqual([]);
    // He read the three commits from the log: his own group went through them, no rejoin.
    expect(rejoins.map(({ cause, joined, removed }) => ({ cause, joined, removed }))).toEqual([
      { cause: "commit", joined: ["dave"], removed: [] },
      { cause: "commit", joined: [], removed: ["carol"] },
      { cause: "commit", joined: ["erin"], removed: [] },
    ]);
    // Bob is in step with the group: what he sends now, alice reads.
    await back.send("team", "back again");
    await waitUntil(() => texts(alice).includes("bob: back again"), "alice reads bob");
  });
});

/** A keyed user whose client gets `options`, joined to `rooms` in the pool's mode. */
async function keyedWith(users: ClientPool, url: string, name: string, options: PoolClientOptions, ...rooms: string[]): Promise<KeyedUser> {
  const key = createIdentityKey();
  const client = users.client(url, options);
  const received = recordByRoom(client);
  await users.resume(url, name, key, client);
  for (const room of rooms) await client.join(room);
  return { name, key, client, received };
}

describe("ten members joining one encrypted room at once", () => {
  it("all end in the same group and epoch, and read each other's messages", async () => {
    const server = await useRelay();
    const names = Array.from({ length: 10 }, (_, index) => `member${index}`);
    const members = await Promise.all(names.map((name) => pool.keyed(server.url, name, "team")));
    for (const member of members) await member.client.send("team", `hello from ${member.name}`);
    for (const member of members) await readAll(member, names.length);
    for (const member of members) {
      expect(texts(member).sort()).toEqual(names.map((name) => `${name}: hello from ${name}`).sort());
    }
    // Every member went through every join: one group, nine commits after its creation.
    for (const member of members) expect(member.client.groupOf("team")).toEqual({ epoch: 9, members: expect.arrayContaining(names) });
  });
});

describe("rooms and clients that cannot be encrypted", () => {
  it("refuses a keyed join of an existing plain room by default, and leaves no membership behind", async () => {
    const server = await useRelay();
    const alice = await clientPool({}, { mode: "plain" }).keyed(server.url, "alice", "tutorial");
    onTestFinished(() => alice.client.close());
    const bob = await pool.keyed(server.url, "bob");
    const refused = (await bob.client.join("tutorial").catch((error: unknown) => error)) as PigeonError;
    expect(refused).toMatchObject({ code: "ROOM_NOT_ENCRYPTED", message: expect.stringContaining('mode "plain"') });
    expect(bob.client.rooms).toEqual([]);
    await waitUntil(() => (alice.client.members("tutorial") ?? []).every((member) => member.name !== "bob"), "bob is not in tutorial");
    // Asked for plain, bob joins it plain, and its messages say so.
    await bob.client.join("tutorial", { mode: "plain" });
    const seen = nextEvent(alice.client, "message", ({ user }) => user === "bob");
    await bob.client.send("tutorial", "plain words");
    expect(await seen).toMatchObject({ message: "plain words", encrypted: false });
  });

  it("joins an existing encrypted room encrypted when asked for plain", async () => {
    const server = await useRelay();
    const alice = await pool.keyed(server.url, "alice", "team");
    const bob = await clientPool({}, { mode: "plain" }).keyed(server.url, "bob");
    onTestFinished(() => bob.client.close());
    const ack = await bob.client.join("team", { mode: "plain" });
    expect(ack.mode).toBe("encrypted");
    await bob.client.send("team", "still encrypted");
    await readAll(alice, 1);
    expect(alice.received.get("team")?.[0]).toMatchObject({ message: "still encrypted", encrypted: true });
  });

  it("gives guests and seed tutorial clients E2E_REQUIRED on an encrypted room; they still chat in a plain one", async () => {
    const server = await useRelay();
    await pool.keyed(server.url, "alice", "team");
    const guest = await pool.guest(server.url, "visitor");
    await expect(guest.join("team")).rejects.toMatchObject({ code: "E2E_REQUIRED" });
    await expect(guest.join("team", { mode: "encrypted" })).rejects.toMatchObject({ code: "E2E_REQUIRED" });

    const seed = untyped(await useMember(server, "tutorial-user"));
    const refusal = new Promise((resolve) => seed.once("error", resolve));
    seed.emit("join", "team");
    expect(await refusal).toMatchObject({ event: "join", code: "E2E_REQUIRED" });

    await guest.join("lobby");
    seed.emit("join", "lobby");
    const heard = new Promise((resolve) => seed.once("message", resolve));
    await guest.send("lobby", "plain is fine here");
    expect(await heard).toMatchObject({ user: "visitor", message: "plain is fine here" });
  });
});

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  GroupErrorCode,
  loadCipherSuite,
  MemoryGroupStateStore,
  MemoryPinStore,
  MlsGroup,
  createIdentityKey,
  encodeBase64Url,
  type GroupStateStore,
  type IdentityKey,
  type StoredGroup,
} from "@pigeon/crypto";
import { FileGroupStateStore, nodeCryptoProvider } from "@pigeon/crypto/node";
import {
  clientPool,
  freePort,
  nextEvent,
  startTestServer,
  record,
  recordByRoom,
  testIdentity,
  useKeyed,
  useRelay,
  waitUntil,
  type ClientPool,
  type KeyedUser,
  type PoolClientOptions,
  type TestServer,
} from "@pigeon/testing";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { fromBase64 } from "./e2e/base64.js";

// What happens to an encrypted room's members when things go wrong: they leave or are dropped
// (and must not read on), their entries expire, their key changes, their process restarts.

const pool = clientPool(process.env.DEBUG_E2E ? { logger: console } : {}, { mode: "encrypted" });
afterEach(() => pool.closeAll());

const suite = await loadCipherSuite(nodeCryptoProvider);

/** A keyed user whose client gets `options`, joined to `rooms` in the pool's mode. */
async function keyedWith(users: ClientPool, url: string, name: string, options: PoolClientOptions, ...rooms: string[]): Promise<KeyedUser> {
  const key = createIdentityKey();
  return { ...(await again(users, url, name, key, options, ...rooms)), key };
}

/** `name` with `key` on a fresh client (a restarted process), joined to `rooms`. */
async function again(users: ClientPool, url: string, name: string, key: IdentityKey, options: PoolClientOptions, ...rooms: string[]): Promise<KeyedUser> {
  const client = users.client(url, options);
  const received = recordByRoom(client);
  await users.resume(url, name, key, client);
  for (const room of rooms) await client.join(room);
  return { name, key, client, received };
}

function texts(user: KeyedUser, room = "team"): string[] {
  return (user.received.get(room) ?? []).map(({ user: sender, message }) => `${sender}: ${message}`);
}

/** A state store that keeps the last state of every room even after the SDK deletes it. */
class KeepingStore extends MemoryGroupStateStore implements GroupStateStore {
  readonly last = new Map<string, StoredGroup>();

  override async save(group: StoredGroup): Promise<void> {
    this.last.set(group.room, group);
    await super.save(group);
  }
}

/** Every MLS application message of `room` as the relay carries it (a member outside the group). */
async function tap(server: TestServer, room: string): Promise<Uint8Array[]> {
  const socket = await useKeyed(server, testIdentity(), "tap", [room]);
  const seen: Uint8Array[] = [];
  socket.on("message", (message) => {
    if (message.mls === "application") seen.push(fromBase64(message.message));
  });
  return seen;
}

describe("members who are gone", () => {
  it("cannot decrypt what is sent after they left, nor after the member TTL dropped them", async () => {
    const server = await useRelay({ memberTtlMs: 300, sweepIntervalMs: 100 });
    const alice = await pool.keyed(server.url, "alice", "team");
    const stores = { carol: new KeepingStore(), dave: new KeepingStore() };
    const carol = await keyedWith(pool, server.url, "carol", { mls: { stateStore: stores.carol } }, "team");
    const dave = await keyedWith(pool, server.url, "dave", { mls: { stateStore: stores.dave } }, "team");
    await waitUntil(() => alice.client.groupOf("team")?.epoch === 2, "alice sees carol and dave join");
    const ciphertexts = await tap(server, "team");

    await carol.client.leave("team");
    const daveDropped = nextEvent(alice.client, "groupStatus", ({ pending }) => pending.some(({ name }) => name === "dave"));
    await dave.client.close();
    await daveDropped;
    const removed = nextEvent(alice.client, "group", ({ removed }) => removed.includes("carol") && removed.includes("dave"));
    await alice.client.send("team", "after they left");
    await removed;
    await waitUntil(() => ciphertexts.length === 1, "the tap has the message");

    for (const [name, store] of Object.entries(stores)) {
      const stored = store.last.get("team");
      expect(stored, name).toBeDefined();
      const key = name === "carol" ? carol.key : dave.key;
      const group = await MlsGroup.restore(stored?.state ?? new Uint8Array(), { suite, identity: { name, key }, checkCredential: () => true });
      await expect(group.process(ciphertexts[0] ?? new Uint8Array()), name).rejects.toMatchObject({ code: GroupErrorCode.UNREADABLE });
    }
  });
});

describe("a member whose held entries expired", () => {
  it("rejoins by itself, is told what it could not read, and reads what follows", async () => {
    const server = await useRelay({ maxRoomEntries: 10 });
    const alice = await pool.keyed(server.url, "alice", "team");
    const stateStore = new MemoryGroupStateStore();
    const bob = await keyedWith(pool, server.url, "bob", { mls: { stateStore } }, "team");
    await bob.client.close();
    // Carol's join (a commit) and then more than her share of the room (half of 10): her commit
    // is among her own oldest entries, which go first.
    const carol = await pool.keyed(server.url, "carol", "team");
    for (let index = 0; index < 15; index += 1) await carol.client.send("team", `missed ${index}`);

    const client = pool.client(server.url, { mls: { stateStore } });
    const back: KeyedUser = { ...bob, client, received: recordByRoom(client) };
    const expired = record(client, "expired");
    const undecryptable = record(client, "undecryptable");
    const rejoined = nextEvent(client, "group", ({ cause }) => cause === "rejoined");
    await pool.resume(server.url, "bob", bob.key, client);
    await rejoined;
    await alice.client.send("team", "after the rejoin");
    await waitUntil(() => texts(back).includes("alice: after the rejoin"), () => `bob has ${texts(back).join(", ")}`);
    expect(texts(back)).toEqual(["alice: after the rejoin"]);
    // Every message he missed is accounted for: expired on the server, or undecryptable here.
    const told = expired.reduce((sum, { from, to }) => sum + to - from + 1, 0) + undecryptable.reduce((sum, { count }) => sum + (count ?? 0), 0);
    expect(told).toBeGreaterThanOrEqual(15);
    expect(undecryptable).toEqual(undecryptable.map((notice) => ({ ...notice, reason: "lost-state" })));
  });
});

describe("keys", () => {
  it("raises keyChanged when a pinned name shows another key, and gives both sides one safety number", async () => {
    const server = await useRelay();
    const pinStore = new MemoryPinStore();
    const stale = createIdentityKey().publicKey;
    await pinStore.save("bob", stale);
    const alice = await keyedWith(pool, server.url, "alice", { mls: { pinStore } }, "team");
    const changed = nextEvent(alice.client, "keyChanged", ({ name }) => name === "bob");
    const bob = await pool.keyed(server.url, "bob", "team");
    expect(await changed).toEqual({ room: "team", name: "bob", previous: encodeBase64Url(stale), current: encodeBase64Url(bob.key.publicKey) });

    const [mine, theirs] = await Promise.all([alice.client.safetyNumber("bob"), bob.client.safetyNumber("alice")]);
    expect(mine?.digits).toMatch(/^\d{60}$/);
    expect(mine?.digits).toBe(theirs?.digits);
    // The key a safety number is over: the one in the group now, not the stale pin.
    expect(await alice.client.keyOf("bob")).toBe(encodeBase64Url(bob.key.publicKey));
    expect(await alice.client.keyOf("nobody")).toBeUndefined();
    // Accepting the new key makes it the pin: the next sight of it is quiet.
    await alice.client.trustKey("bob", encodeBase64Url(bob.key.publicKey));
    expect(await pinStore.load("bob")).toEqual(bob.key.publicKey);
  });
});

describe("a client restarted from its state file", () => {
  it("continues in its group: no rejoin, and it reads and is read", async () => {
    const directory = await mkdtemp(join(tmpdir(), "pigeon-sdk-state-"));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    const server = await useRelay();
    const alice = await pool.keyed(server.url, "alice", "team");
    const files = () => ({ mls: { stateStore: new FileGroupStateStore(directory, "bob") } });
    const bob = await keyedWith(pool, server.url, "bob", files(), "team");
    await alice.client.send("team", "before the restart");
    await waitUntil(() => texts(bob).length === 1, "bob reads the first message");
    const epoch = bob.client.groupOf("team")?.epoch;
    await bob.client.close();

    const client = pool.client(server.url, files());
    const received = recordByRoom(client);
    const arrivals = record(client, "group");
    const undecryptable = record(client, "undecryptable");
    await pool.resume(server.url, "bob", bob.key, client);
    expect(client.groupOf("team")?.epoch).toBe(epoch);
    await alice.client.send("team", "after the restart");
    await waitUntil(() => (received.get("team") ?? []).length === 1, "bob reads after the restart");
    expect(received.get("team")?.map(({ message }) => message)).toEqual(["after the restart"]);
    await client.send("team", "still here");
    await waitUntil(() => texts(alice).includes("bob: still here"), "alice reads bob");
    expect(arrivals).toEqual([]);
    expect(undecryptable).toEqual([]);
  });
});

describe("an encrypted room that starts over (a relay on the memory store restarts)", () => {
  it("gets a new group: one member creates it, the other joins, and what follows is read", async () => {
    const port = await freePort();
    let server = await startTestServer({}, { port });
    onTestFinished(() => server.close());
    const alice = await pool.keyed(server.url, "alice", "team");
    const bob = await pool.keyed(server.url, "bob", "team");
    await alice.client.send("team", "before");
    await waitUntil(() => texts(bob).length === 1, "bob reads the first message");
    const restarted = [nextEvent(alice.client, "restarted"), nextEvent(bob.client, "restarted")];
    const arrived = [alice, bob].map((user) => nextEvent(user.client, "group", ({ cause }) => cause !== "commit"));
    await server.close();
    server = await startTestServer({}, { port });
    await Promise.all([...restarted, ...arrived]);
    expect(alice.client.modeOf("team")).toBe("encrypted");

    const [first, second] = [alice, bob];
    await first.client.send("team", "after, from alice");
    await second.client.send("team", "after, from bob");
    for (const user of [alice, bob]) {
      await waitUntil(() => texts(user).length === 3, () => `${user.name} has ${texts(user).join(", ")}`);
    }
    expect(texts(bob)).toEqual(["alice: before", "alice: after, from alice", "bob: after, from bob"]);
    expect(alice.client.groupOf("team")).toEqual(bob.client.groupOf("team"));
  });
});

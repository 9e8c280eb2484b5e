import { createIdentityKey, MemoryGroupStateStore, type GroupStateStore } from "@pigeon/crypto";
import {
  clientPool,
  describeEachStore,
  nextEvent,
  record,
  recordByRoom,
  useRelayPerTest,
  waitUntil,
  type KeyedUser,
} from "@pigeon/testing";
import { afterEach, expect, it } from "vitest";
import type { DeliveredMessage, PigeonClient } from "./index.js";

// An encrypted message's keys are spent once it is decrypted, and ts-mls cannot decrypt our own
// messages: what the SDK decrypts (or sends) but the app has not been handed yet is kept with
// the group state, so that the identity's next receiving session shows it.

const pool = clientPool({}, { mode: "encrypted" });
afterEach(() => pool.closeAll());

function texts(messages: readonly DeliveredMessage[] | undefined): string[] {
  return (messages ?? []).map(({ user, message }) => `${user}: ${message}`);
}

describeEachStore("messages an encrypted room's member decrypted but did not show yet", (store) => {
  const server = useRelayPerTest({ store });

  /** `name` with a known key, joined to team with `stateStore`, then closed (an old session). */
  async function member(name: string, stateStore: GroupStateStore): Promise<KeyedUser> {
    const key = createIdentityKey();
    const client = await session(name, key, stateStore, true);
    await client.join("team");
    await client.close();
    return { name, key, client, received: new Map() };
  }

  function session(name: string, key: KeyedUser["key"], stateStore: GroupStateStore, receive: boolean, created?: (client: PigeonClient) => void): Promise<PigeonClient> {
    const client = pool.client(server().url, { receive, mls: { stateStore } });
    created?.(client);
    return pool.resume(server().url, name, key, client);
  }

  it("lets a send-only session whose group is behind send at once, and its next session show what came between", async () => {
    const alice = await pool.keyed(server().url, "alice", "team");
    const stateStore = new MemoryGroupStateStore();
    const bob = await member("bob", stateStore);
    await alice.client.send("team", "one");
    await pool.keyed(server().url, "carol", "team"); // a commit bob's stored group has not seen
    await alice.client.send("team", "two");
    await pool.keyed(server().url, "dave", "team"); // and another
    await alice.client.send("team", "three");

    let sender: PigeonClient | undefined;
    const senderEvents: { group: unknown[]; undecryptable: unknown[]; message: unknown[] } = { group: [], undecryptable: [], message: [] };
    await session("bob", bob.key, stateStore, false, (client) => {
      sender = client;
      senderEvents.group = record(client, "group");
      senderEvents.undecryptable = record(client, "undecryptable");
      senderEvents.message = record(client, "message");
    });
    await sender?.join("team");
    await sender?.send("team", "from bob");
    await waitUntil(() => texts(alice.received.get("team")).includes("bob: from bob"), "alice reads bob");
    await sender?.close();
    expect(senderEvents.group).not.toContainEqual(expect.objectContaining({ cause: "rejoined" }));
    expect(senderEvents.undecryptable).toEqual([]);
    expect(senderEvents.message).toEqual([]);

    let received = new Map<string, DeliveredMessage[]>();
    let undecryptable: unknown[] = [];
    await session("bob", bob.key, stateStore, true, (client) => {
      received = recordByRoom(client);
      undecryptable = record(client, "undecryptable");
    });
    const expected = ["alice: one", "alice: two", "alice: three", "bob: from bob"];
    await waitUntil(() => texts(received.get("team")).length >= expected.length, () => `bob has ${texts(received.get("team")).join(", ")}`);
    expect(texts(received.get("team"))).toEqual(expected);
    expect(received.get("team")?.every(({ encrypted, replayed }) => encrypted && replayed)).toBe(true);
    expect(undecryptable).toEqual([]);
  });

  it("shows the next session what a session closed mid-batch had decrypted but not shown", async () => {
    const alice = await pool.keyed(server().url, "alice", "team");
    const stateStore = new MemoryGroupStateStore();
    const bob = await member("bob", stateStore);
    for (const text of ["one", "two", "three"]) await alice.client.send("team", text);

    let shown: string[] = [];
    let closed: Promise<void> | undefined;
    await session("bob", bob.key, stateStore, true, (client) => {
      shown = [];
      client.on("message", ({ message }) => {
        shown.push(message);
        if (shown.length === 2) closed = client.close();
      });
    });
    await waitUntil(() => closed !== undefined, "the second session shows two messages");
    await closed;
    expect(shown).toEqual(["one", "two"]);

    let received = new Map<string, DeliveredMessage[]>();
    let undecryptable: unknown[] = [];
    await session("bob", bob.key, stateStore, true, (client) => {
      received = recordByRoom(client);
      undecryptable = record(client, "undecryptable");
    });
    await waitUntil(() => texts(received.get("team")).length >= 1, "the third session shows the third message");
    expect(texts(received.get("team"))).toEqual(["alice: three"]);
    expect(undecryptable).toEqual([]);
  });

  it("keeps all of a batch however few messages it may keep, so a session closed as it saves loses none", async () => {
    const alice = await pool.keyed(server().url, "alice", "team");
    const stateStore = new MemoryGroupStateStore();
    const bob = await member("bob", stateStore);
    for (const text of ["one", "two", "three"]) await alice.client.send("team", text);

    // A session that keeps two messages ends as soon as it has saved what it took in, before it
    // shows any of it: the keys of what it decrypted are spent, so only the kept texts remain.
    let closed: Promise<void> | undefined;
    const shown: string[] = [];
    const client = pool.client(server().url, {
      maxHeldMessages: 2,
      mls: {
        stateStore: {
          load: (room) => stateStore.load(room),
          delete: (room) => stateStore.delete(room),
          save: async (group) => {
            await stateStore.save(group);
            if (group.kept !== undefined) closed ??= client.close();
          },
        },
      },
    });
    client.on("message", ({ message }) => shown.push(message));
    await pool.resume(server().url, "bob", bob.key, client);
    await waitUntil(() => closed !== undefined, "the second session saves what it decrypted");
    await closed;
    expect(shown).toEqual([]);

    let received = new Map<string, DeliveredMessage[]>();
    let undecryptable: unknown[] = [];
    let caughtUp: Promise<unknown> | undefined;
    await session("bob", bob.key, stateStore, true, (next) => {
      received = recordByRoom(next);
      undecryptable = record(next, "undecryptable");
      caughtUp = nextEvent(next, "caughtUp", ({ room }) => room === "team");
    });
    await caughtUp;
    expect(texts(received.get("team"))).toEqual(["alice: one", "alice: two", "alice: three"]);
    expect(undecryptable).toEqual([]);
  });

  it("shows a member its own message, sent from a send-only session, in its next session", async () => {
    const stateStore = new MemoryGroupStateStore();
    const alice = await member("alice", stateStore);
    const sender = await session("alice", alice.key, stateStore, false);
    await sender.join("team");
    const { seq } = await sender.send("team", "note to self");
    await sender.close();

    const client = pool.client(server().url, { mls: { stateStore } });
    const seen = nextEvent(client, "message");
    const undecryptable = record(client, "undecryptable");
    await pool.resume(server().url, "alice", alice.key, client);
    expect(await seen).toMatchObject({ room: "team", user: "alice", message: "note to self", seq, encrypted: true, replayed: true });
    expect(undecryptable).toEqual([]);
  });
});

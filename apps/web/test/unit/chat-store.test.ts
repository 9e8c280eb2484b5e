import { MemoryKeyStore } from "@pigeon/crypto";
import { startTestServer, type TestServer } from "@pigeon/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findRoom, type ChatState } from "../../src/state/chat-state.js";
import { ChatStore, type NamedKeyStore } from "../../src/state/chat-store.js";
import { memoryProfileMemory, type ProfileMemory } from "../../src/state/profile-memory.js";
import { MemoryHistoryStore, type HistoryStore } from "../../src/storage/history-store.js";
import { MemoryOutboxStore, type OutboxStore } from "../../src/storage/outbox-store.js";
import { startCuttableProxy } from "../support/cuttable-proxy.js";

/** A browser's storage: its keys and the name it remembers. */
interface Device {
  keys: NamedKeyStore;
  memory: ProfileMemory;
  history: HistoryStore;
  outbox: OutboxStore;
}

function newDevice(): Device {
  const store = new MemoryKeyStore();
  const names: string[] = [];
  return {
    memory: memoryProfileMemory(),
    history: new MemoryHistoryStore(),
    outbox: new MemoryOutboxStore(),
    keys: {
      load: (profile) => store.load(profile),
      save: async (profile, identity) => {
        await store.save(profile, identity);
        names.push(identity.name);
      },
      names: () => Promise.resolve([...names]),
    },
  };
}

/** Resolves once the store's state satisfies `check`. */
function until(store: ChatStore, check: (state: ChatState) => boolean, timeoutMs = 5_000): Promise<ChatState> {
  return new Promise((resolve, reject) => {
    const test = () => {
      const state = store.getSnapshot();
      if (!check(state)) return false;
      stop();
      clearTimeout(timer);
      resolve(state);
      return true;
    };
    const stop = store.subscribe(() => void test());
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`state not reached: ${JSON.stringify(store.getSnapshot(), (_key, value: unknown) => (value instanceof Map ? [...value] : value))}`));
    }, timeoutMs);
    test();
  });
}

const texts = (state: ChatState, room: string) =>
  (findRoom(state, room)?.entries ?? []).flatMap((entry) => (entry.kind === "message" ? [`${entry.user}: ${entry.text}${entry.replayed ? " (away)" : ""}`] : []));

describe("ChatStore against a real relay", () => {
  let server: TestServer;
  const stores: ChatStore[] = [];
  const open = (device: Device, url = server.url) => {
    const store = new ChatStore({
      url,
      keyStore: device.keys,
      memory: device.memory,
      history: device.history,
      outboxStore: device.outbox,
      clientOptions: { logger: { warn: () => undefined } },
    });
    stores.push(store);
    return store;
  };
  /** A store that has started, signed in as `name` and joined `rooms` (the last one open). */
  const signedIn = async (name: string, { device = newDevice(), url = server.url, rooms = ["lobby"] } = {}) => {
    const store = open(device, url);
    await store.start();
    await store.signIn(name);
    for (const room of rooms) expect(await store.join(room)).toBe(true);
    return store;
  };

  beforeEach(async () => {
    server = await startTestServer({ receiptIntervalMs: 20 });
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.dispose();
    await server.close();
  });

  it("shows the server's retention policy before anyone signs in", async () => {
    const store = open(newDevice());
    await store.start();
    expect(store.getSnapshot().retention).toMatchObject({ store: "memory", messageTtlMs: 14 * 86_400_000 });
    expect(store.getSnapshot().phase).toBe("signed-out");
  });

  it("signs in, joins, sends; the other side receives, and the sender sees it delivered to all", async () => {
    const alice = await signedIn("alice");
    const bob = await signedIn("bob");
    expect(alice.send("hi bob")).toBe(true);
    await until(bob, (state) => texts(state, "lobby").includes("alice: hi bob"));
    const state = await until(alice, (s) => {
      const ack = s.outbox[0]?.ack;
      return ack !== undefined && s.receipts.get(ack.id)?.deleted === true;
    });
    expect(texts(state, "lobby")).toEqual(["alice: hi bob"]);
    expect(findRoom(state, "lobby")?.entries[0]).toMatchObject({ own: true });
  });

  it("comes back with the same key after a reload and gets what was missed, marked", async () => {
    const device = newDevice();
    const bob = await signedIn("bob", { device });
    const alice = await signedIn("alice");
    alice.send("before you left");
    await until(bob, (state) => texts(state, "lobby").length === 1);
    await bob.dispose();

    alice.send("while you were out");
    await until(alice, (state) => state.outbox[1]?.state === "accepted");

    // A reload: a new store on the same storage signs in again by itself, shows what this
    // device kept, then what the server held meanwhile, marked.
    const again = open(device);
    await again.start();
    const state = await until(again, (s) => texts(s, "lobby").length > 1);
    expect(state.phase).toBe("signed-in");
    expect(texts(state, "lobby")).toEqual(["alice: before you left", "alice: while you were out (away)"]);
  });

  it("keeps messages typed offline across a reload, and sends them once when back online", async () => {
    const proxy = await startCuttableProxy(server.url);
    try {
      const device = newDevice();
      const alice = await signedIn("alice", { device, url: proxy.url });
      const bob = await signedIn("bob");

      proxy.cut();
      await until(alice, (state) => state.connection !== "connected");
      alice.send("typed in the tunnel");
      await until(alice, (state) => state.outbox[0]?.state === "queued");
      await expect.poll(async () => (await device.outbox.load("alice")).map((entry) => entry.text)).toEqual(["typed in the tunnel"]);
      await alice.dispose();
      proxy.restore();

      const again = open(device, proxy.url);
      await again.start();
      await until(bob, (state) => texts(state, "lobby").includes("alice: typed in the tunnel"));
      await until(again, (state) => state.outbox[0]?.state === "accepted");
      await expect.poll(() => device.outbox.load("alice")).toEqual([]);
      expect(texts(bob.getSnapshot(), "lobby")).toEqual(["alice: typed in the tunnel"]);
    } finally {
      await proxy.close();
    }
  });

  it("says so when another key holds the name", async () => {
    await signedIn("alice");
    const second = open(newDevice());
    await second.start();
    await second.signIn("alice");
    expect(second.getSnapshot()).toMatchObject({ phase: "signed-out", signInError: "Someone else is using the name alice. Pick another one." });
    await second.signIn("not a valid name!");
    expect(second.getSnapshot().signInError).toMatch(/^Name must .*\.$/u);
  });

  it("shows who is typing until their message arrives", async () => {
    const alice = await signedIn("alice");
    const bob = await signedIn("bob");
    bob.typing();
    await until(alice, () => alice.typingIn("lobby").length > 0);
    expect(alice.typingIn("lobby")).toEqual(["bob"]);
    expect(bob.typingIn("lobby")).toEqual([]);
    bob.send("done typing");
    await until(alice, () => alice.typingIn("lobby").length === 0);
  });

  it("counts unread messages per room and leaves rooms", async () => {
    const alice = await signedIn("alice", { rooms: ["lobby", "design"] });
    alice.select("lobby");
    const bob = await signedIn("bob", { rooms: ["design"] });
    bob.send("look at this");
    await until(alice, (state) => findRoom(state, "design")?.unread === 1);
    alice.select("design");
    expect(findRoom(alice.getSnapshot(), "design")?.unread).toBe(0);
    await alice.leave("design");
    expect(alice.getSnapshot().rooms.map((room) => room.name)).toEqual(["lobby"]);
    expect(alice.getSnapshot().activeRoom).toBe("lobby");
  });
});

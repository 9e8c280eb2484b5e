import type { SafetyNumber } from "@pigeon/client";
import { createIdentityKey, MemoryKeyStore } from "@pigeon/crypto";
import { startTestServer, type TestServer } from "@pigeon/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findRoom, type ChatState } from "../../src/state/chat-state.js";
import { ChatStore, profileOf, type NamedKeyStore } from "../../src/state/chat-store.js";
import type { TabLock } from "../../src/state/tab-lock.js";
import { memoryPlaceMemory, type PlaceMemory } from "../../src/state/place-memory.js";
import { memoryProfileMemory, type ProfileMemory } from "../../src/state/profile-memory.js";
import { MemoryHistoryStore, type HistoryStore } from "../../src/storage/history-store.js";
import { MemoryOutboxStore, type OutboxStore } from "../../src/storage/outbox-store.js";
import { memoryVaults, type Vault } from "../../src/storage/vault.js";
import { startCuttableProxy } from "../support/cuttable-proxy.js";

/** A browser's storage: its keys and the name it remembers. */
interface Device {
  keys: NamedKeyStore;
  memory: ProfileMemory;
  /** Room order, open room and drafts, as localStorage keeps them. */
  places: PlaceMemory;
  history: HistoryStore;
  outbox: OutboxStore;
  /** Encrypted rooms' group state and pins, as IndexedDB keeps them across reloads. */
  vault: (profile: string) => Vault;
}

function newDevice(): Device {
  const store = new MemoryKeyStore();
  const names: string[] = [];
  return {
    memory: memoryProfileMemory(),
    places: memoryPlaceMemory(),
    history: new MemoryHistoryStore(),
    outbox: new MemoryOutboxStore(),
    vault: memoryVaults(),
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

/**
 * Resolves with the safety number of `store`'s identity and `name` once `store` knows a key for
 * `name`: when `name`'s leaf is in one of its groups. The relay's member list shows `name` before
 * that (the commit that adds the leaf comes after the join); the group change that adds it makes
 * the store check keys and so notify, and each notification asks again.
 */
function safetyNumberOnceKnown(store: ChatStore, name: string, timeoutMs = 5_000): Promise<SafetyNumber> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (result: { number: SafetyNumber } | { error: unknown }) => {
      if (done) return;
      done = true;
      stop();
      clearTimeout(timer);
      if ("number" in result) resolve(result.number);
      else reject(result.error instanceof Error ? result.error : new Error(String(result.error)));
    };
    const ask = () => {
      store.safetyNumber(name).then(
        (number) => {
          if (number !== undefined) finish({ number });
        },
        (error: unknown) => {
          finish({ error });
        },
      );
    };
    const stop = store.subscribe(ask);
    const timer = setTimeout(() => {
      finish({ error: new Error(`no key for ${name} became known`) });
    }, timeoutMs);
    ask();
  });
}

const texts = (state: ChatState, room: string) =>
  (findRoom(state, room)?.entries ?? []).flatMap((entry) => (entry.kind === "message" ? [`${entry.user}: ${entry.text}${entry.replayed ? " (away)" : ""}`] : []));

describe("ChatStore against a real relay", () => {
  let server: TestServer;
  const stores: ChatStore[] = [];
  const open = (device: Device, url = server.url, tabLock?: TabLock) => {
    const store = new ChatStore({
      ...(tabLock === undefined ? {} : { tabLock }),
      url,
      keyStore: device.keys,
      memory: device.memory,
      places: device.places,
      history: device.history,
      outboxStore: device.outbox,
      vault: device.vault,
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
    // A relay that answers at the proxy's origin too, as behind a real proxy: logins through it
    // are signed for the proxy's origin.
    const proxy = await startCuttableProxy(() => server.url);
    await server.close();
    server = await startTestServer({ receiptIntervalMs: 20 }, { alsoAnsweringAt: [proxy.url] });
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

  it("keeps a key per server: a page pointed at another relay signs in there with a key of its own", async () => {
    const other = await startTestServer();
    try {
      const device = newDevice();
      const here = await signedIn("alice", { device });
      const there = new ChatStore({ url: other.url, otherServer: true, keyStore: device.keys, memory: device.memory, history: device.history, outboxStore: device.outbox, vault: device.vault });
      stores.push(there);
      await there.start();
      await there.signIn("alice");
      const keyHere = (await device.keys.load("alice"))?.key;
      const keyThere = (await device.keys.load(profileOf("alice", other.url)))?.key;
      expect(here.getSnapshot().phase).toBe("signed-in");
      expect(there.getSnapshot().phase).toBe("signed-in");
      expect(keyHere?.publicKey).toBeDefined();
      expect(keyThere?.publicKey).toBeDefined();
      expect(keyThere?.publicKey).not.toEqual(keyHere?.publicKey);
    } finally {
      await other.close();
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

  it("picks up after a reload in the room that was open, in the same order, with each room's draft; leaving drops the draft", async () => {
    const device = newDevice();
    const alice = await signedIn("alice", { device, rooms: ["zeta", "alpha", "mid"] });
    alice.select("alpha");
    alice.setDraft("alpha", "half a thought");
    alice.setDraft("mid", "later");
    await alice.dispose();

    const again = open(device);
    await again.start();
    const state = await until(again, (current) => current.phase === "signed-in");
    expect(state.rooms.map((room) => room.name)).toEqual(["zeta", "alpha", "mid"]);
    expect(state.activeRoom).toBe("alpha");
    expect(again.draft("alpha")).toBe("half a thought");
    expect(await again.leave("mid")).toBe(true);
    expect(again.draft("mid")).toBe("");
    expect(device.places.load("alice").drafts).toEqual({ alpha: "half a thought" });
  });

  it("says why a join from the Room field failed in the state, until the field is edited", async () => {
    const alice = await signedIn("alice", { rooms: [] });
    expect(await alice.join("no spaces", { atField: true })).toBe(false);
    expect(alice.getSnapshot().joinError).toMatch(/letters, digits/u);
    expect(alice.getSnapshot().notice).toBeUndefined();
    alice.clearJoinError();
    expect(alice.getSnapshot().joinError).toBeUndefined();
    // Elsewhere (the empty room's Join #lobby button) a refusal is a notice, as before.
    expect(await alice.join("no spaces")).toBe(false);
    expect(alice.getSnapshot().notice?.text).toMatch(/letters, digits/u);
    expect(alice.getSnapshot().joinError).toBeUndefined();
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

  describe("encrypted rooms", () => {
    const gaps = (state: ChatState, room: string) => (findRoom(state, room)?.entries ?? []).flatMap((entry) => (entry.kind === "gap" ? [entry] : []));

    it("creates rooms encrypted; a plain one only when asked, and an existing plain room is joined plain", async () => {
      const alice = await signedIn("alice", { rooms: ["team"] });
      expect(findRoom(alice.getSnapshot(), "team")?.mode).toBe("encrypted");
      expect(await alice.join("tutorial", { plain: true })).toBe(true);
      expect(findRoom(alice.getSnapshot(), "tutorial")?.mode).toBe("plain");

      const bob = await signedIn("bob", { rooms: ["team", "tutorial"] });
      expect(findRoom(bob.getSnapshot(), "team")?.mode).toBe("encrypted");
      expect(findRoom(bob.getSnapshot(), "tutorial")?.mode).toBe("plain");
      bob.select("team");
      bob.send("only for the group");
      await until(alice, (state) => texts(state, "team").includes("bob: only for the group"));
    });

    it("never takes a room it was in encrypted as plain on the server's word", async () => {
      const device = newDevice();
      const alice = await signedIn("alice", { device, rooms: ["team"] });
      await alice.dispose();
      // The server forgets the room (a restart of the memory store), and someone makes a plain
      // room of that name meanwhile: joining it again must not quietly send plaintext there.
      const port = Number(new URL(server.url).port);
      await server.close();
      server = await startTestServer({ receiptIntervalMs: 20 }, { port });
      await signedIn("mallory", { rooms: [] }).then((mallory) => mallory.join("team", { plain: true }));

      const again = open(device);
      await again.start();
      await until(again, (state) => state.phase === "signed-in");
      expect(await again.join("team")).toBe(false);
      expect(again.getSnapshot().notice?.text).toMatch(/^Couldn't join team: .*encrypted/u);
      expect(findRoom(again.getSnapshot(), "team")).toBeUndefined();
    });

    it("continues in its groups after a reload; without its group state it says what it could not read", async () => {
      const device = newDevice();
      const bob = await signedIn("bob", { device });
      const alice = await signedIn("alice");
      alice.send("one");
      await until(bob, (state) => texts(state, "lobby").length === 1);
      await bob.dispose();
      alice.send("two");
      await until(alice, (state) => state.outbox[1]?.state === "accepted");

      // Same storage: the same group, so "two" is read and nothing is reported.
      const reloaded = open(device);
      await reloaded.start();
      await until(reloaded, (state) => texts(state, "lobby").length === 2);
      expect(gaps(reloaded.getSnapshot(), "lobby")).toEqual([]);
      await reloaded.dispose();
      alice.send("three");
      await until(alice, (state) => state.outbox[2]?.state === "accepted");

      // The group state lost (another browser's storage with the same key): a notice, not a blank.
      const lost = { ...device, vault: newDevice().vault };
      const fresh = open(lost);
      await fresh.start();
      const state = await until(fresh, (s) => gaps(s, "lobby").length > 0);
      expect(gaps(state, "lobby")).toEqual([expect.objectContaining({ reason: "undecryptable", why: "lost-state", count: 1 })]);
      // It rejoined the group by itself: what is sent now is read.
      alice.send("four");
      await until(fresh, (s) => texts(s, "lobby").includes("alice: four"));
    });

    it("warns of a changed key until it is accepted, marks what that key sent, and keeps the warning across a reload", async () => {
      const device = newDevice();
      const stale = createIdentityKey().publicKey;
      await device.vault("alice").pins.save("bob", stale);
      const alice = await signedIn("alice", { device });
      const bob = await signedIn("bob");
      let state = await until(alice, (s) => s.keyChanges.length === 1);
      expect(state.keyChanges[0]).toMatchObject({ name: "bob", rooms: ["lobby"], wasVerified: false });
      bob.send("trust me");
      state = await until(alice, (s) => texts(s, "lobby").includes("bob: trust me"));
      expect(findRoom(state, "lobby")?.entries.at(-1)).toMatchObject({ newKey: true });

      await alice.dispose();
      const again = open(device);
      await again.start();
      state = await until(again, (s) => s.keyChanges.length === 1);
      expect(state.keyChanges[0]?.name).toBe("bob");

      await again.acceptKey("bob");
      expect(again.getSnapshot().keyChanges).toEqual([]);
      bob.send("accepted now");
      state = await until(again, (s) => texts(s, "lobby").includes("bob: accepted now"));
      expect(findRoom(state, "lobby")?.entries.at(-1)).not.toHaveProperty("newKey");
    });

    it("marks a contact verified for its key; the mark lapses when the name shows another key", async () => {
      const device = newDevice();
      const alice = await signedIn("alice", { device });
      const bob = await signedIn("bob");
      // Not the relay's member list: it shows bob before alice's group has his leaf (his key).
      const [mine, theirs] = await Promise.all([safetyNumberOnceKnown(alice, "bob"), safetyNumberOnceKnown(bob, "alice")]);
      expect(mine.digits).toMatch(/^\d{60}$/u);
      expect(mine.digits).toBe(theirs.digits);
      await alice.setVerified("bob", true);
      expect([...alice.getSnapshot().verified]).toEqual(["bob"]);

      // The mark is for bob's key: pretend it was another one, and it no longer holds.
      await device.vault("alice").verified.save("bob", createIdentityKey().publicKey);
      await alice.setVerified("carol", true);
      expect([...alice.getSnapshot().verified]).toEqual([]);
      await alice.setVerified("bob", false);
      expect(await device.vault("alice").verified.all()).toEqual(new Map());
    });

    it("takes a verified mark back for good, though a key check that read the mark was still under way", async () => {
      // A vault whose next read of bob's pin waits until released, as a slow IndexedDB read may.
      const device = newDevice();
      const vaults = device.vault;
      let held: { reached: () => void; released: Promise<void> } | undefined;
      device.vault = (profile) => {
        const vault = vaults(profile);
        const load = async (name: string) => {
          const hold = name === "bob" ? held : undefined;
          if (hold !== undefined) {
            held = undefined;
            hold.reached();
            await hold.released;
          }
          return await vault.pins.load(name);
        };
        return { ...vault, pins: { load, save: (name, key) => vault.pins.save(name, key) } };
      };
      const alice = await signedIn("alice", { device });
      await signedIn("bob");
      await safetyNumberOnceKnown(alice, "bob");
      await alice.setVerified("bob", true);
      expect([...alice.getSnapshot().verified]).toEqual(["bob"]);

      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const reached = new Promise<void>((resolve) => {
        held = { reached: resolve, released };
      });
      // A key check (any: this one is the mark taken back from carol) reads bob's mark, then waits.
      const first = alice.setVerified("carol", false);
      await reached;
      const removed = alice.setVerified("bob", false);
      // Let what the removal started run (in memory it does not wait for anything else): its own
      // check of the keys may land now, before the one still reading.
      await new Promise<void>((resolve) => setImmediate(resolve));
      release();
      await Promise.all([first, removed]);
      expect(await device.vault("alice").verified.all()).toEqual(new Map());
      expect([...alice.getSnapshot().verified]).toEqual([]);
    });

    it("lets one store at a time use a profile: a second is told, and may take it over", async () => {
      const device = newDevice();
      const lock = sharedLock();
      const first = open(device, server.url, lock.forTab());
      await first.start();
      await first.signIn("alice");
      expect(await first.join("team")).toBe(true);

      const second = open(device, server.url, lock.forTab());
      await second.start();
      expect(second.getSnapshot()).toMatchObject({ phase: "elsewhere", name: "alice" });
      await second.useHere();
      await until(second, (s) => s.phase === "signed-in" && findRoom(s, "team")?.mode === "encrypted");
      expect(first.getSnapshot()).toMatchObject({ phase: "elsewhere", connection: "disconnected" });

      const bob = await signedIn("bob", { rooms: ["team"] });
      bob.send("for the tab in use");
      await until(second, (s) => texts(s, "team").includes("bob: for the tab in use"));
      expect(gaps(second.getSnapshot(), "team")).toEqual([]);
    });
  });
});

/** Tab locks over one shared holder, as Web Locks are over one browser profile's tabs. */
function sharedLock(): { forTab(): TabLock } {
  const holders = new Map<string, { lost: () => Promise<void>; release: () => void }>();
  return {
    forTab() {
      let lost: () => Promise<void> = () => Promise.resolve();
      let mine: string | undefined;
      const release = () => {
        if (mine !== undefined && holders.get(mine)?.release === release) holders.delete(mine);
        mine = undefined;
      };
      return {
        async acquire(profile, { takeOver }) {
          const holder = holders.get(profile);
          if (holder !== undefined && holder.release !== release) {
            if (!takeOver) return false;
            await holder.lost();
            holder.release();
          }
          release();
          mine = profile;
          holders.set(profile, { lost: () => lost(), release });
          return true;
        },
        release,
        onTakeOver(listener) {
          lost = listener;
        },
      };
    },
  };
}

import { createIdentityKey, loadOrCreateIdentity, publicKeyText } from "@pigeon/crypto";
import { IDBFactory } from "fake-indexeddb";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openDatabase } from "./database.js";
import { IndexedDbKeyStore } from "./idb-key-store.js";

const open = async (factory = new IDBFactory()) => new IndexedDbKeyStore(await openDatabase("pigeon", factory));

describe("IndexedDbKeyStore", () => {
  it("returns undefined for a profile it does not hold", async () => {
    const store = await open();
    expect(await store.load("alice")).toBeUndefined();
  });

  it("keeps an identity across connections to the same database", async () => {
    const factory = new IDBFactory();
    const first = await open(factory);
    const created = await loadOrCreateIdentity(first, "alice", "Alice");
    const second = await open(factory);
    const again = await loadOrCreateIdentity(second, "alice", "Alice");
    expect(again.created).toBe(false);
    expect(again.name).toBe("Alice");
    expect(publicKeyText(again.key)).toBe(publicKeyText(created.key));
    expect(again.key.secretKey).toEqual(created.key.secretKey);
  });

  it("replaces what was saved under a profile", async () => {
    const store = await open();
    await store.save("bob", { name: "bob", key: createIdentityKey() });
    const replacement = createIdentityKey();
    await store.save("bob", { name: "Bob", key: replacement });
    const loaded = await store.load("bob");
    expect(loaded?.name).toBe("Bob");
    expect(loaded && publicKeyText(loaded.key)).toBe(publicKeyText(replacement));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("lists the stored names, most recent first", async () => {
    const store = await open();
    // Only Date is faked: fake-indexeddb runs on real timers.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(1_000);
    await store.save("alice", { name: "alice", key: createIdentityKey() });
    vi.setSystemTime(2_000);
    await store.save("bob", { name: "Bob", key: createIdentityKey() });
    expect(await store.names()).toEqual(["Bob", "alice"]);
  });
});

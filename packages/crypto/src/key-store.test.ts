import { describe, expect, it } from "vitest";
import { createIdentityKey } from "./identity-key.js";
import { loadOrCreateIdentity, MemoryKeyStore } from "./key-store.js";

describe("MemoryKeyStore", () => {
  it("loads what was saved under a profile, and nothing for another", async () => {
    const store = new MemoryKeyStore();
    const identity = { name: "alice", key: createIdentityKey() };
    await store.save("alice", identity);
    await expect(store.load("alice")).resolves.toEqual(identity);
    await expect(store.load("bob")).resolves.toBeUndefined();
  });
});

describe("loadOrCreateIdentity", () => {
  it("creates and saves an identity on first use, then returns the same one", async () => {
    const store = new MemoryKeyStore();
    const first = await loadOrCreateIdentity(store, "alice", "alice");
    expect(first.created).toBe(true);
    expect(first.name).toBe("alice");
    const second = await loadOrCreateIdentity(store, "alice", "alice");
    expect(second.created).toBe(false);
    expect(second.key).toEqual(first.key);
    await expect(store.load("alice")).resolves.toEqual({ name: "alice", key: first.key });
  });
});

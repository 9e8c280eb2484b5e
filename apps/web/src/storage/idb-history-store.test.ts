import { IDBFactory, IDBKeyRange } from "fake-indexeddb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Entry } from "../state/room.js";
import { openDatabase } from "./database.js";
import { MAX_HISTORY_ENTRIES } from "./history-store.js";
import { IndexedDbHistoryStore } from "./idb-history-store.js";

const entry = (seq: number): Entry => ({ kind: "message", key: `id-${seq}`, seq, user: "bob", text: `m${seq}`, sentAt: seq, own: false, replayed: false });

describe("IndexedDbHistoryStore", () => {
  beforeAll(() => {
    // The store builds key ranges with the global, as in a browser.
    globalThis.IDBKeyRange = IDBKeyRange;
  });

  it("keeps each profile's rooms apart, and their latest entries only", async () => {
    const history = new IndexedDbHistoryStore(await openDatabase("pigeon", new IDBFactory()));
    const many = Array.from({ length: MAX_HISTORY_ENTRIES + 5 }, (_, index) => entry(index + 1));
    await history.save("alice", "lobby", many);
    await history.save("alice", "design", [entry(1)]);
    await history.save("bob", "lobby", [entry(9)]);
    const alice = await history.load("alice");
    expect([...alice.keys()].sort()).toEqual(["design", "lobby"]);
    expect(alice.get("lobby")).toHaveLength(MAX_HISTORY_ENTRIES);
    expect(alice.get("lobby")?.[0]?.key).toBe("id-6");
    expect((await history.load("bob")).get("lobby")).toEqual([entry(9)]);
  });

  it("forgets a room that was left", async () => {
    const history = new IndexedDbHistoryStore(await openDatabase("pigeon", new IDBFactory()));
    await history.save("alice", "lobby", [entry(1)]);
    await history.forget("alice", "lobby");
    expect((await history.load("alice")).size).toBe(0);
  });
});

import { IDBFactory } from "fake-indexeddb";
import { describe, expect, it } from "vitest";
import type { OutboxEntry } from "../state/outbox.js";
import { openDatabase } from "./database.js";
import { IndexedDbOutboxStore } from "./idb-outbox-store.js";

const entry = (text: string): OutboxEntry => ({
  localId: text,
  room: "lobby",
  text,
  createdAt: 1,
  state: "queued",
  ack: undefined,
  error: undefined,
  uncertain: false,
});

describe("IndexedDbOutboxStore", () => {
  it("keeps each profile's waiting messages, replacing them on save", async () => {
    const factory = new IDBFactory();
    const store = new IndexedDbOutboxStore(await openDatabase("pigeon", factory));
    expect(await store.load("alice")).toEqual([]);
    await store.save("alice", [entry("one"), entry("two")]);
    await store.save("bob", [entry("three")]);
    const reopened = new IndexedDbOutboxStore(await openDatabase("pigeon", factory));
    expect((await reopened.load("alice")).map((waiting) => waiting.text)).toEqual(["one", "two"]);
    await reopened.save("alice", []);
    expect(await reopened.load("alice")).toEqual([]);
    expect(await reopened.load("bob")).toHaveLength(1);
  });
});

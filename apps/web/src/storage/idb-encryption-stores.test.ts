import { IDBFactory } from "fake-indexeddb";
import { describe, expect, it } from "vitest";
import { IDENTITIES, openDatabase } from "./database.js";
import { IndexedDbGroupStateStore, IndexedDbPinStore, IndexedDbVerifiedStore } from "./idb-encryption-stores.js";
import { requestResult } from "./idb-request.js";

const group = (room: string, seq: number) => ({ room, incarnation: "inc1", seq, state: Uint8Array.of(1, 2, seq), kept: [{ seq, id: `m${seq}`, user: "bob", sentAt: 5, text: "hi" }] });

describe("IndexedDbGroupStateStore", () => {
  it("keeps each profile's groups apart and across connections, replaced by each save, gone on delete", async () => {
    const factory = new IDBFactory();
    const first = new IndexedDbGroupStateStore(await openDatabase("pigeon", factory), "alice");
    await first.save(group("team", 4));
    await first.save(group("team", 9));
    await first.save(group("lobby", 1));
    const again = new IndexedDbGroupStateStore(await openDatabase("pigeon", factory), "alice");
    const loaded = await again.load("team");
    expect(loaded?.seq).toBe(9);
    expect(loaded?.state).toEqual(Uint8Array.of(1, 2, 9));
    expect(loaded?.kept?.[0]?.text).toBe("hi");
    expect(await new IndexedDbGroupStateStore(await openDatabase("pigeon", factory), "bob").load("team")).toBeUndefined();
    await again.delete("team");
    expect(await again.load("team")).toBeUndefined();
    expect((await again.load("lobby"))?.seq).toBe(1);
  });
});

describe("IndexedDbPinStore", () => {
  it("pins a key per profile and name, and replaces it when asked", async () => {
    const database = await openDatabase("pigeon", new IDBFactory());
    const alice = new IndexedDbPinStore(database, "alice");
    expect(await alice.load("bob")).toBeUndefined();
    await alice.save("bob", Uint8Array.of(7));
    expect(await new IndexedDbPinStore(database, "carol").load("bob")).toBeUndefined();
    await alice.save("bob", Uint8Array.of(8));
    expect(await alice.load("bob")).toEqual(Uint8Array.of(8));
  });
});

describe("IndexedDbVerifiedStore", () => {
  it("lists one profile's verified keys; a mark can be taken back", async () => {
    const database = await openDatabase("pigeon", new IDBFactory());
    const alice = new IndexedDbVerifiedStore(database, "alice");
    await alice.save("bob", Uint8Array.of(1));
    await alice.save("carol", Uint8Array.of(2));
    await new IndexedDbVerifiedStore(database, "dave").save("bob", Uint8Array.of(3));
    expect(await alice.all()).toEqual(new Map([["bob", Uint8Array.of(1)], ["carol", Uint8Array.of(2)]]));
    await alice.delete("bob");
    expect([...(await alice.all()).keys()]).toEqual(["carol"]);
  });
});

describe("openDatabase", () => {
  it("upgrades a version 2 database without losing its identities", async () => {
    const factory = new IDBFactory();
    const request = factory.open("pigeon", 2);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(IDENTITIES, { keyPath: "profile" }).put({ profile: "alice", document: "{}", savedAt: 1 });
      request.result.createObjectStore("history", { keyPath: ["profile", "room"] });
      request.result.createObjectStore("outbox", { keyPath: "profile" });
    };
    (await requestResult(request)).close();
    const database = await openDatabase("pigeon", factory);
    expect([...database.objectStoreNames].sort()).toEqual(["groups", "history", "identities", "outbox", "pins", "verified"]);
    const kept = await requestResult(database.transaction(IDENTITIES, "readonly").objectStore(IDENTITIES).get("alice"));
    expect(kept).toMatchObject({ profile: "alice" });
  });
});

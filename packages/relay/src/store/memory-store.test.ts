import { describe, expect, it } from "vitest";
import { MemoryStore } from "./memory-store.js";
import { QuotaExceededError, withSeq, type StoredEntry } from "./relay-store.js";
import { CONTRACT_LIMITS, describeRelayStore } from "@pigeon/testing";

const message = (id: string): Omit<StoredEntry, "seq"> => ({ id, user: "alice", message: "hi", sentAt: 0 });

describeRelayStore("memory", (limits) => new MemoryStore(limits));

describe("MemoryStore", () => {
  it("holds an entry with its own fields and its seq, nothing else (an MLS entry's kind and epoch too)", async () => {
    const plain = { id: "m1", user: "alice", message: "hi", sentAt: 5 };
    expect(withSeq(plain, 3)).toStrictEqual({ seq: 3, ...plain });
    expect(withSeq({ ...plain, mls: "application", epoch: 2 }, 4)).toStrictEqual({ seq: 4, ...plain, mls: "application", epoch: 2 });
    const store = new MemoryStore(CONTRACT_LIMITS);
    await store.addMember("lobby", "bob", 0);
    await store.append("lobby", plain);
    expect((await store.entriesAfter("lobby", 0)).entries).toStrictEqual([{ seq: 1, ...plain }]);
  });

  it("forgets a room once nobody is in it and nothing is held, so memory follows use", async () => {
    const store = new MemoryStore(CONTRACT_LIMITS);
    await store.addPresence("lobby", "alice", "c1");
    expect((await store.append("lobby", { id: "1", user: "alice", message: "hi", sentAt: 0 })).seq).toBe(1);
    await store.removePresence("lobby", "alice", "c1");
    expect((await store.append("lobby", { id: "2", user: "alice", message: "hi", sentAt: 0 })).seq).toBe(1);
  });

  it("keeps client-key records within the held budget, however many rooms they are spread over", async () => {
    const maxHeldBytes = 100_000;
    const store = new MemoryStore({ ...CONTRACT_LIMITS, maxRoomEntries: 10_000, maxHeldBytes });
    // Rooms without members hold no entry, yet each send with a client id leaves a record.
    const sends = Array.from({ length: 10_000 }, (_, index) => ({ room: `room-${String(index % 50)}`, key: `alice\nk${String(index)}` }));
    for (const { room, key } of sends) await store.append(room, message(key), key);
    // Newest first: a retry of a forgotten key is a new send, whose record pushes out the oldest.
    let remembered = 0;
    for (const { room, key } of sends.toReversed()) if ((await store.append(room, message(key), key)).original) remembered += 1;
    // A record costs the heap at least 100 bytes: its map slot, its key and its message id.
    expect(remembered).toBeGreaterThan(0);
    expect(remembered * 100).toBeLessThanOrEqual(maxHeldBytes);
    expect((await store.usage()).bytes).toBeLessThanOrEqual(maxHeldBytes);
  });

  it("forgets the oldest client keys of any room first past maxSentRecords: a retry of one is a new message", async () => {
    const store = new MemoryStore({ ...CONTRACT_LIMITS, maxSentRecords: 3 });
    const first = await store.append("a", message("m1"), "alice\nk1");
    for (const [room, key] of [["b", "k2"], ["a", "k3"], ["c", "k4"]] as const) await store.append(room, message(key), `alice\n${key}`);
    const retried = await store.append("a", message("m5"), "alice\nk1");
    expect(retried.original).toBeUndefined();
    expect(retried.seq).toBe(first.seq + 2);
    // k1's new record pushed out k2, the oldest left; k3 and k4 are still answered.
    expect((await store.append("a", message("m6"), "alice\nk3")).original).toEqual({ id: "k3", sentAt: 0 });
    expect((await store.append("c", message("m7"), "alice\nk4")).original).toEqual({ id: "k4", sentAt: 0 });
    expect((await store.append("b", message("m8"), "alice\nk2")).original).toBeUndefined();
  });

  it("forgets client keys to fit held entries in the budget, never refusing a send for them", async () => {
    const store = new MemoryStore({ ...CONTRACT_LIMITS, maxRoomEntries: 100, maxHeldBytes: 4_000, maxSentRecords: 10 });
    await store.addMember("lobby", "bob", 0);
    for (const key of ["k1", "k2", "k3", "k4"]) await store.append("lobby", message(key), `alice\n${key}`);
    expect(await store.heldEntries()).toBe(4);
    expect((await store.usage()).bytes).toBeLessThanOrEqual(4_000);
    // Four held entries leave room for three records: k1's went, so its retry is a new send,
    // which the full budget refuses.
    expect((await store.append("lobby", message("again"), "alice\nk2")).original).toEqual({ id: "k2", sentAt: 0 });
    await expect(store.append("lobby", message("again"), "alice\nk1")).rejects.toThrow(QuotaExceededError);
  });
});

import { describe, expect, it } from "vitest";
import { MemoryStore } from "./memory-store.js";
import { describeRelayStore } from "./store-contract.js";

describeRelayStore("memory", () => new MemoryStore());

describe("MemoryStore", () => {
  it("forgets a room once its last member is gone, so memory follows use", async () => {
    const store = new MemoryStore();
    await store.addPresence("lobby", "alice", "c1");
    expect(await store.nextSeq("lobby")).toBe(1);
    await store.removePresence("lobby", "alice", "c1");
    await store.addPresence("lobby", "alice", "c2");
    expect(await store.nextSeq("lobby")).toBe(1);
  });
});

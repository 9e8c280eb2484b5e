import { describe, expect, it } from "vitest";
import { MemoryStore } from "./memory-store.js";
import { CONTRACT_LIMITS, describeRelayStore } from "@pigeon/testing";

describeRelayStore("memory", (limits) => new MemoryStore(limits));

describe("MemoryStore", () => {
  it("forgets a room once nobody is in it and nothing is held, so memory follows use", async () => {
    const store = new MemoryStore(CONTRACT_LIMITS);
    await store.addPresence("lobby", "alice", "c1");
    expect((await store.append("lobby", { id: "1", user: "alice", message: "hi", sentAt: 0 })).seq).toBe(1);
    await store.removePresence("lobby", "alice", "c1");
    expect((await store.append("lobby", { id: "2", user: "alice", message: "hi", sentAt: 0 })).seq).toBe(1);
  });
});

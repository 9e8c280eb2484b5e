// The contract every RelayStore implementation passes: run it from each store's test file.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RelayStore } from "./relay-store.js";

/**
 * Registers the shared RelayStore tests for one implementation.
 *
 * @example
 * describeRelayStore("memory", () => new MemoryStore());
 */
export function describeRelayStore(kind: string, create: () => Promise<RelayStore> | RelayStore): void {
  describe(`RelayStore contract: ${kind}`, () => {
    let store: RelayStore;
    beforeEach(async () => {
      store = await create();
    });
    afterEach(async () => {
      await store.close();
    });

    it("gives a name to one connection at a time, case-insensitively", async () => {
      expect(await store.claimName("Alice", "c1")).toBe(true);
      expect(await store.claimName("Alice", "c1")).toBe(true);
      expect(await store.claimName("alice", "c2")).toBe(false);
      await store.releaseName("alice", "c2");
      expect(await store.claimName("ALICE", "c2")).toBe(false);
      await store.releaseName("Alice", "c1");
      expect(await store.claimName("alice", "c2")).toBe(true);
    });

    it("lists a member while any of its connections is present", async () => {
      await store.addPresence("lobby", "bob", "c1");
      await store.addPresence("lobby", "alice", "c2");
      await store.addPresence("lobby", "alice", "c3");
      expect(await store.members("lobby")).toEqual([
        { name: "alice", online: true },
        { name: "bob", online: true },
      ]);
      await store.removePresence("lobby", "alice", "c2");
      expect((await store.members("lobby")).map((member) => member.name)).toEqual(["alice", "bob"]);
      await store.removePresence("lobby", "alice", "c3");
      await store.removePresence("lobby", "nobody", "c9");
      expect(await store.members("lobby")).toEqual([{ name: "bob", online: true }]);
      expect(await store.members("elsewhere")).toEqual([]);
    });

    it("numbers each room from 1, independently, under concurrent calls", async () => {
      const lobby = await Promise.all(Array.from({ length: 100 }, () => store.nextSeq("lobby")));
      expect(lobby.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, index) => index + 1));
      expect(await store.nextSeq("other")).toBe(1);
    });
  });
}

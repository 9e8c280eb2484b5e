// The part of the store contract that bounds what is held: a sender's share of a room, the
// total budget, rooms per identity, and the usage counter they rest on.
import { QuotaExceededError, type RelayStore, type RetentionLimits, type StoredEntry } from "@pigeon/relay";
import { afterEach, describe, expect, it } from "vitest";

let counter = 0;
function entry(user: string, message = "hi", sentAt = 0): Omit<StoredEntry, "seq"> {
  counter += 1;
  return { id: `q-${counter}`, user, message, sentAt };
}

/**
 * Registers the quota tests. `current` is the store the suite made with `limits` (entries 5,
 * bytes 10,000, 4 rooms per identity); `create` makes another with other limits (closed here),
 * and `share` another node's handle on the data of the store `create` made last. `heldBudget`
 * false: the store does not enforce `maxHeldBytes` (a Redis Cluster).
 */
export function describeQuotaContract(
  limits: RetentionLimits,
  current: () => RelayStore,
  create: (limits: RetentionLimits) => Promise<RelayStore> | RelayStore,
  share: (store: RelayStore) => Promise<RelayStore> | RelayStore,
  heldBudget: boolean,
): void {
  describe("quotas", () => {
    const extra: RelayStore[] = [];
    afterEach(async () => {
      await Promise.all(extra.splice(0).map((store) => store.close()));
    });
    const seqs = async (store: RelayStore, room: string) => (await store.entriesAfter(room, 0)).entries.map(({ seq, user }) => `${String(seq)}:${user}`);

    it("pushes out a sender's own oldest entries past its share of the entry quota, never another's", async () => {
      const store = current();
      await store.addMember("lobby", "bob", 0);
      for (let index = 0; index < 3; index += 1) expect((await store.append("lobby", entry("alice"))).expired).toBeUndefined();
      expect(await store.append("lobby", entry("alice"))).toMatchObject({ seq: 4, expired: { from: 1, to: 1 } });
      await store.append("lobby", entry("carol"));
      await store.append("lobby", entry("carol"));
      // The room is full (5): carol's next pushes out her own oldest, alice's her own.
      expect(await store.append("lobby", entry("carol"))).toMatchObject({ seq: 7, expired: { from: 5, to: 5 } });
      expect(await store.append("lobby", entry("alice"))).toMatchObject({ seq: 8, expired: { from: 2, to: 2 } });
      expect(await seqs(store, "lobby")).toEqual(["3:alice", "4:alice", "6:carol", "7:carol", "8:alice"]);
    });

    it("pushes out a sender's own oldest entries past its share of the byte quota", async () => {
      const store = current();
      await store.addMember("lobby", "bob", 0);
      const big = "x".repeat(2_000);
      await store.append("lobby", entry("alice", big));
      await store.append("lobby", entry("alice", big));
      expect((await store.append("lobby", entry("alice", big))).expired).toEqual({ from: 1, to: 1 });
      expect((await store.append("lobby", entry("alice", "y".repeat(4_980)))).expired).toEqual({ from: 2, to: 3 });
      expect(await seqs(store, "lobby")).toEqual(["4:alice"]);
    });

    it("never lets a flooding guest push out what another sender holds for an absent member", async () => {
      const store = current();
      await store.addMember("lobby", "bob", 0);
      await store.append("lobby", entry("carol", "for bob"));
      await store.append("lobby", entry("carol", "for bob too"));
      for (let index = 0; index < 40; index += 1) await store.append("lobby", entry("flood", "z".repeat(index * 50)));
      const held = (await store.entriesAfter("lobby", 0)).entries;
      expect(held.filter(({ user }) => user === "carol").map(({ message }) => message)).toEqual(["for bob", "for bob too"]);
      expect(held.filter(({ user }) => user === "flood").length).toBeLessThanOrEqual(3);
    });

    it("refuses, changing nothing, a sender whose own entries cannot make room", async () => {
      const store = current();
      await store.addMember("lobby", "bob", 0);
      for (const user of ["alice", "alice", "alice", "carol", "carol"]) await store.append("lobby", entry(user));
      await expect(store.append("lobby", entry("dave"))).rejects.toThrow(QuotaExceededError);
      // Bigger than a sender's share of the bytes: nothing of alice's can make room for it.
      await expect(store.append("lobby", entry("alice", "w".repeat(5_001)))).rejects.toThrow(QuotaExceededError);
      expect(await seqs(store, "lobby")).toEqual(["1:alice", "2:alice", "3:alice", "4:carol", "5:carol"]);
      expect((await store.append("lobby", entry("carol"))).seq).toBe(6);
    });

    it.runIf(heldBudget)("refuses appends past the held budget in any room, changing nothing, until members read", async () => {
      const store = await create({ ...limits, maxRoomEntries: 100, maxRoomBytes: 1_000_000, maxHeldBytes: 12_000 });
      extra.push(store);
      const text = "t".repeat(3_000);
      await store.addMember("a", "bob", 0);
      await store.addMember("b", "bob", 0);
      await store.append("a", entry("alice", text));
      await store.append("a", entry("alice", text));
      await store.append("b", entry("carol", text));
      await expect(store.append("b", entry("dave", text))).rejects.toThrow(QuotaExceededError);
      await expect(store.append("a", entry("alice", text))).rejects.toThrow(QuotaExceededError);
      expect((await store.entriesAfter("b", 0)).lastSeq).toBe(1);
      expect((await store.usage()).entries).toBe(3);
      await store.ack("a", "bob", 2, 0);
      expect((await store.append("b", entry("dave", text))).seq).toBe(2);
      expect((await store.usage()).bytes).toBeLessThanOrEqual(12_000);
    });

    it("counts what it holds in usage(), back to nothing after acks, leaving, expiry and pushing out", async () => {
      const store = current();
      expect(await store.usage()).toEqual({ entries: 0, bytes: 0 });
      // Connected, so that the sweep below drops messages only, not members.
      await store.claimName("bob", { kind: "keyed", publicKey: "B".repeat(43) }, "c1", 0);
      await store.claimName("alice", { kind: "keyed", publicKey: "A".repeat(43) }, "c2", 0);
      await store.addMember("lobby", "bob", 0);
      await store.addMember("lobby", "alice", 0);
      for (let index = 0; index < 4; index += 1) await store.append("lobby", entry("alice", "m".repeat(index * 100)));
      const usage = await store.usage();
      expect(usage.entries).toBe(3);
      expect(usage.bytes).toBeGreaterThan(3 * 300);
      await store.ack("lobby", "bob", 4, 0);
      await store.ack("lobby", "alice", 4, 0);
      expect(await store.usage()).toEqual({ entries: 0, bytes: 0 });
      await store.append("lobby", entry("carol"));
      await store.append("lobby", entry("carol", "later", 900));
      await store.sweep(1_500);
      expect((await store.usage()).entries).toBe(1);
      await store.removeMember("lobby", "bob");
      await store.removeMember("lobby", "alice");
      expect(await store.usage()).toEqual({ entries: 0, bytes: 0 });
    });

    it("bounds the rooms of an identity over all its connections and nodes", async () => {
      const store = await create({ ...limits, maxRoomsPerIdentity: 3 });
      extra.push(store);
      const other = await share(store);
      if (other !== store) extra.push(other);
      await store.claimName("alice", { kind: "keyed", publicKey: "A".repeat(43) }, "c1", 0);
      await other.claimName("alice", { kind: "keyed", publicKey: "A".repeat(43) }, "c2", 0);
      await store.addMember("r1", "alice", 0);
      await other.addMember("r2", "alice", 0);
      await store.addMember("r3", "Alice", 0);
      await expect(other.addMember("r4", "alice", 0)).rejects.toThrow(QuotaExceededError);
      await expect(store.addMember("r4", "ALICE", 0)).rejects.toThrow(QuotaExceededError);
      expect((await store.memberships("alice")).map(({ room }) => room).sort()).toEqual(["r1", "r2", "r3"]);
      expect(await store.members("r4")).toEqual([]);
      // A room it is in already is no new membership; leaving one makes room for another.
      await other.addMember("r2", "alice", 0);
      await store.removeMember("r1", "alice");
      await other.addMember("r4", "alice", 0);
      expect((await other.memberships("alice")).map(({ room }) => room).sort()).toEqual(["r2", "r3", "r4"]);
    });
  });
}

// The contract every RelayStore implementation passes: run it from each store's test file.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { QuotaExceededError, type Committer, type DeletedEntry, type GroupLeaf, type GroupRecordInput, type MlsSubmission, type RelayStore, type RetentionLimits, type StoredEntry } from "@pigeon/relay";
import { describeQuotaContract } from "./quota-contract.js";

/** Limits small enough for tests to reach. */
export const CONTRACT_LIMITS: RetentionLimits = {
  messageTtlMs: 1_000,
  memberTtlMs: 5_000,
  maxRoomEntries: 5,
  maxRoomBytes: 10_000,
  // The memory store's bound on client keys over all rooms, as Redis's is per room: in one room, the same.
  maxSentRecords: 5,
};

/** Name claims for store tests: two keyed identities and a guest. */
export const KEY_A = { kind: "keyed", publicKey: "A".repeat(43) } as const;
export const KEY_B = { kind: "keyed", publicKey: "B".repeat(43) } as const;
export const GUEST = { kind: "guest" } as const;

/**
 * A message from alice, as a store takes it, named by its id.
 *
 * @example
 * await store.append("lobby", aliceMessage("m1"));
 */
export const aliceMessage = (id: string, sentAt = 0): Omit<StoredEntry, "seq"> => ({ id, user: "alice", message: `text of ${id}`, sentAt });

let counter = 0;
function entry(user: string, message = "hi", sentAt = 0): Omit<StoredEntry, "seq"> {
  counter += 1;
  return { id: `id-${counter}`, user, message, sentAt };
}

/** Another handle on the data of the store `create` returned last (a second relay node), or that store itself. */
export type ShareStore = (store: RelayStore) => Promise<RelayStore> | RelayStore;

/**
 * Registers the shared RelayStore tests for one implementation. `create` gets the limits to
 * enforce and must return an empty store; `share` gives a second handle on the same data, as
 * another relay node has (by default the same store: one process holds a memory store).
 *
 * @example
 * describeRelayStore("memory", (limits) => new MemoryStore(limits));
 */
export function describeRelayStore(
  kind: string,
  create: (limits: RetentionLimits) => Promise<RelayStore> | RelayStore,
  share: ShareStore = (store) => store,
  options: { readonly heldBudget?: boolean } = {},
): void {
  describe(`RelayStore contract: ${kind}`, () => {
    let store: RelayStore;
    beforeEach(async () => {
      store = await create(CONTRACT_LIMITS);
    });
    afterEach(async () => {
      await store.close();
    });

    describeGroupContract(() => store, share);
    describeQuotaContract(CONTRACT_LIMITS, () => store, create, share, options.heldBudget ?? true);

    describe("names", () => {
      it("ends a membership on every connection of the identity, presence included", async () => {
      await store.claimName("alice", KEY_A, "c1", 0);
      await store.addMember("lobby", "alice", 0);
      await store.addMember("lobby", "bob", 0);
      await store.addPresence("lobby", "alice", "c1");
      await store.addPresence("lobby", "alice", "c2");
      await store.addPresence("lobby", "bob", "c3");
      await store.removeMember("lobby", "alice");
      expect(await store.members("lobby")).toEqual([{ name: "bob", online: true }]);
      expect(await store.memberships("alice")).toEqual([]);
    });

    it("gives a guest name to one connection at a time, case-insensitively", async () => {
        expect(await store.claimName("Alice", GUEST, "c1", 0)).toBe(true);
        expect(await store.claimName("Alice", GUEST, "c1", 0)).toBe(true);
        expect(await store.claimName("alice", GUEST, "c2", 0)).toEqual({ holder: "guest", heldAs: "Alice" });
        await store.releaseName("alice", "c2", 0);
        expect(await store.claimName("ALICE", GUEST, "c2", 0)).toEqual({ holder: "guest", heldAs: "Alice" });
        await store.releaseName("Alice", "c1", 0);
        expect(await store.claimName("alice", GUEST, "c2", 0)).toBe(true);
      });

      it("lets a key resume its name from many connections, and nobody else take it", async () => {
        expect(await store.claimName("alice", KEY_A, "c1", 0)).toBe(true);
        expect(await store.claimName("Alice", KEY_A, "c2", 0)).toBe(true);
        expect(await store.claimName("alice", KEY_B, "c3", 0)).toEqual({ holder: "key", heldAs: "alice" });
        expect(await store.claimName("alice", GUEST, "c4", 0)).toEqual({ holder: "key", heldAs: "alice" });
        expect(await store.claimName("bob", GUEST, "c5", 0)).toBe(true);
        expect(await store.claimName("bob", KEY_B, "c6", 0)).toEqual({ holder: "guest", heldAs: "bob" });
      });

      it("refuses look-alikes of a held name to other keys and guests, and lets its own key use them", async () => {
        expect(await store.claimName("alice", KEY_A, "c1", 0)).toBe(true);
        // Cyrillic а, dotless ı, Greek α, fullwidth, capitals, Cyrillic і and е.
        for (const lookAlike of ["\u0430lice", "al\u0131ce", "\u03B1lice", "\uFF41\uFF4C\uFF49\uFF43\uFF45", "ALICE", "al\u0456c\u0435"]) {
          expect(await store.claimName(lookAlike, KEY_B, "c2", 0), lookAlike).toEqual({ holder: "key", heldAs: "alice" });
          expect(await store.claimName(lookAlike, GUEST, "c3", 0), lookAlike).toEqual({ holder: "key", heldAs: "alice" });
        }
        expect(await store.claimName("b\u03BFb", GUEST, "c4", 0)).toBe(true); // Greek ο
        expect(await store.claimName("bob", KEY_B, "c5", 0)).toEqual({ holder: "guest", heldAs: "b\u03BFb" });
        expect(await store.claimName("mallory", KEY_B, "c6", 0)).toBe(true);
        expect(await store.claimName("rnallory", GUEST, "c7", 0)).toEqual({ holder: "key", heldAs: "mallory" });
        expect(await store.claimName("\u0430lice", KEY_A, "c8", 0)).toBe(true);
      });

      it("keeps a keyed name while the identity is in a room, and for the member TTL after it was last seen", async () => {
        await store.claimName("alice", KEY_A, "c1", 0);
        await store.addMember("lobby", "alice", 0);
        await store.releaseName("alice", "c1", 10);
        expect(await store.claimName("alice", KEY_B, "c2", 20)).toEqual({ holder: "key", heldAs: "alice" });
        expect(await store.claimName("alice", GUEST, "c2", 20)).toEqual({ holder: "key", heldAs: "alice" });
        await store.removeMember("lobby", "alice");
        expect(await store.claimName("alice", KEY_B, "c2", 30)).toEqual({ holder: "key", heldAs: "alice" });
        expect(await store.claimName("alice", KEY_B, "c2", 10 + CONTRACT_LIMITS.memberTtlMs)).toEqual({ holder: "key", heldAs: "alice" });
        expect(await store.claimName("alice", KEY_B, "c2", 11 + CONTRACT_LIMITS.memberTtlMs)).toBe(true);
      });

      it("holds a keyed name in no room for the member TTL after its last connection closed, for its key only", async () => {
        await store.claimName("alice", KEY_A, "c1", 0);
        await store.claimName("alice", KEY_A, "c2", 0);
        await store.releaseName("alice", "c1", 0);
        expect(await store.claimName("alice", KEY_B, "c3", 0)).toEqual({ holder: "key", heldAs: "alice" });
        await store.releaseName("alice", "c2", 100);
        expect(await store.claimName("alice", KEY_B, "c3", 200)).toEqual({ holder: "key", heldAs: "alice" });
        expect(await store.claimName("\u0430lice", GUEST, "c3", 200)).toEqual({ holder: "key", heldAs: "alice" });
        // Its own key comes back, and is away again from its next disconnect.
        expect(await store.claimName("alice", KEY_A, "c4", 300)).toBe(true);
        await store.releaseName("alice", "c4", 400);
        expect(await store.claimName("alice", KEY_B, "c3", 400 + CONTRACT_LIMITS.memberTtlMs)).toEqual({ holder: "key", heldAs: "alice" });
        expect(await store.claimName("alice", KEY_B, "c3", 401 + CONTRACT_LIMITS.memberTtlMs)).toBe(true);
      });

      it("forgets a keyed identity away longer than the member TTL on the sweep, freeing its name", async () => {
        await store.claimName("alice", KEY_A, "c1", 0);
        await store.releaseName("alice", "c1", 100);
        expect(await store.sweep(100 + CONTRACT_LIMITS.memberTtlMs)).toEqual([]);
        expect(await store.claimName("alice", GUEST, "c2", 100 + CONTRACT_LIMITS.memberTtlMs)).toEqual({ holder: "key", heldAs: "alice" });
        expect(await store.sweep(101 + CONTRACT_LIMITS.memberTtlMs)).toEqual([]);
        // Freed by the sweep: a claim at any time now finds nothing held.
        expect(await store.claimName("alice", GUEST, "c2", 0)).toBe(true);
      });

      it("frees a guest's name as soon as its last connection closes", async () => {
        await store.claimName("gus", GUEST, "c1", 0);
        await store.releaseName("gus", "c1", 0);
        expect(await store.claimName("gus", KEY_B, "c2", 0)).toBe(true);
      });
    });

    describe("members and presence", () => {
      it("lists keyed members online or not, and online guests", async () => {
        await store.claimName("alice", KEY_A, "c1", 0);
        await store.addMember("lobby", "alice", 0);
        await store.addMember("lobby", "carol", 0);
        await store.addPresence("lobby", "alice", "c1");
        await store.addPresence("lobby", "bob", "c2");
        await store.addPresence("lobby", "bob", "c3");
        expect(await store.members("lobby")).toEqual([
          { name: "alice", online: true },
          { name: "bob", online: true },
          { name: "carol", online: false },
        ]);
        await store.removePresence("lobby", "bob", "c2");
        await store.removePresence("lobby", "alice", "c1");
        expect(await store.members("lobby")).toEqual([
          { name: "alice", online: false },
          { name: "bob", online: true },
          { name: "carol", online: false },
        ]);
        await store.removePresence("lobby", "bob", "c3");
        await store.removePresence("lobby", "nobody", "c9");
        expect((await store.members("lobby")).map((member) => member.name)).toEqual(["alice", "carol"]);
        expect(await store.members("elsewhere")).toEqual([]);
      });

      it("starts a new member at the room's latest seq, and keeps its cursor on rejoin", async () => {
        await store.addMember("lobby", "alice", 0);
        await store.append("lobby", entry("alice"));
        await store.append("lobby", entry("alice"));
        const lobby = (await store.addMember("lobby", "bob", 0)).incarnation;
        expect(await store.addMember("lobby", "bob", 0)).toEqual({ acked: 2, incarnation: lobby, mode: "plain" });
        expect(await store.addMember("lobby", "alice", 0)).toEqual({ acked: 0, incarnation: lobby, mode: "plain" });
        const side = (await store.addMember("side", "alice", 0)).incarnation;
        expect(side).not.toBe(lobby);
        expect((await store.memberships("alice")).sort((a, b) => a.room.localeCompare(b.room))).toEqual([
          { room: "lobby", acked: 0, incarnation: lobby, mode: "plain" },
          { room: "side", acked: 0, incarnation: side, mode: "plain" },
        ]);
        await store.removeMember("side", "alice");
        expect(await store.memberships("alice")).toEqual([{ room: "lobby", acked: 0, incarnation: lobby, mode: "plain" }]);
        expect(await store.memberships("nobody")).toEqual([]);
      });
    });

    describe("log", () => {
      it("numbers each room from 1, independently, under concurrent appends", async () => {
        await store.addMember("lobby", "bob", 0);
        const seqs = await Promise.all(Array.from({ length: 50 }, () => store.append("lobby", entry("a"))));
        expect(seqs.map(({ seq }) => seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        expect((await store.append("other", entry("a"))).seq).toBe(1);
      });

      it("holds nothing in a room without members", async () => {
        const { incarnation } = await store.append("guests", entry("g"));
        expect(await store.entriesAfter("guests", 0)).toEqual({ entries: [], lastSeq: 1, incarnation });
        expect(await store.heldEntries()).toBe(0);
      });

      it("answers a repeated client key with the original, storing nothing, in that room only", async () => {
        await store.addMember("lobby", "bob", 0);
        const first = entry("alice", "once", 10);
        const appended = await store.append("lobby", first, "alice\nk1");
        expect(appended.original).toBeUndefined();
        const again = await store.append("lobby", entry("alice", "once", 20), "alice\nk1");
        expect(again).toEqual({ seq: appended.seq, incarnation: appended.incarnation, original: { id: first.id, sentAt: 10 } });
        expect((await store.entriesAfter("lobby", 0)).entries.map(({ message }) => message)).toEqual(["once"]);
        // Another sender's key, another room: new messages.
        expect((await store.append("lobby", entry("carol", "once"), "carol\nk1")).original).toBeUndefined();
        expect((await store.append("side", entry("alice", "once"), "alice\nk1")).original).toBeUndefined();
        expect((await store.entriesAfter("lobby", 0)).lastSeq).toBe(2);
      });

      it("forgets client keys past the store's bound on them, oldest first, and past the message TTL", async () => {
        await store.addMember("lobby", "bob", 0);
        for (let key = 1; key <= CONTRACT_LIMITS.maxRoomEntries + 1; key += 1) await store.append("lobby", entry("alice", "x", 100), `alice\nk${key}`);
        expect((await store.append("lobby", entry("alice"), "alice\nk1")).original).toBeUndefined();
        expect((await store.append("lobby", entry("alice"), "alice\nk3")).original).toBeDefined();
        await store.sweep(100 + CONTRACT_LIMITS.messageTtlMs + 1);
        expect((await store.append("lobby", entry("alice"), "alice\nk4")).original).toBeUndefined();
      });

      it("keeps one incarnation while the room has state, and gives a forgotten room a new one", async () => {
        const { acked, incarnation } = await store.addMember("lobby", "bob", 0);
        expect(acked).toBe(0);
        expect(incarnation).toMatch(/^[\w-]{8,}$/);
        expect(await store.append("lobby", entry("alice"))).toEqual({ seq: 1, incarnation });
        expect((await store.entriesAfter("lobby", 0)).incarnation).toBe(incarnation);
        expect(await store.memberships("bob")).toEqual([{ room: "lobby", acked: 0, incarnation, mode: "plain" }]);
        // The last member leaves: nothing is held, nobody is present, the room is forgotten.
        await store.removeMember("lobby", "bob");
        const again = await store.append("lobby", entry("alice"));
        expect(again.seq).toBe(1);
        expect(again.incarnation).not.toBe(incarnation);
      });

      it("holds entries until every member has acked them, then deletes them", async () => {
        await store.addMember("lobby", "alice", 0);
        await store.addMember("lobby", "bob", 0);
        const first = entry("alice", "one", 5);
        await store.append("lobby", first);
        await store.append("lobby", entry("alice", "two"));
        await store.append("lobby", entry("alice", "three"));
        expect((await store.entriesAfter("lobby", 0)).entries[0]).toEqual({ ...first, seq: 1 });

        expect(await store.ack("lobby", "alice", 3, 0)).toEqual({ acked: 3, from: 0, deleted: [] });
        const bobAck = await store.ack("lobby", "Bob", 2, 0);
        expect(bobAck?.acked).toBe(2);
        expect(bobAck?.deleted.map(({ seq }) => seq)).toEqual([1, 2]);
        expect(bobAck?.deleted[0]).toEqual({ seq: 1, id: first.id, user: "alice" });
        expect((await store.entriesAfter("lobby", 0)).entries.map(({ message }) => message)).toEqual(["three"]);
        expect(await store.heldEntries()).toBe(1);
        await store.ack("lobby", "bob", 3, 0);
        expect(await store.heldEntries()).toBe(0);
      });

      it("never moves a cursor back or past the latest seq, and ignores non-members", async () => {
        await store.addMember("lobby", "alice", 0);
        await store.addMember("lobby", "bob", 0);
        await store.append("lobby", entry("bob"));
        await store.append("lobby", entry("bob"));
        expect((await store.ack("lobby", "alice", 99, 0))?.acked).toBe(2);
        expect((await store.ack("lobby", "alice", 1, 0))?.acked).toBe(2);
        expect(await store.ack("lobby", "mallory", 2, 0)).toBeUndefined();
        expect(await store.ack("nowhere", "alice", 2, 0)).toBeUndefined();
      });

      it("deletes what only a leaving member was missing", async () => {
        await store.addMember("lobby", "alice", 0);
        await store.addMember("lobby", "bob", 0);
        await store.append("lobby", entry("alice"));
        await store.ack("lobby", "alice", 1, 0);
        expect(await store.heldEntries()).toBe(1);
        await store.removeMember("lobby", "bob");
        expect(await store.heldEntries()).toBe(0);
      });

      it("replays from any point, with the latest seq", async () => {
        await store.addMember("lobby", "bob", 0);
        for (const text of ["a", "b", "c"]) await store.append("lobby", entry("alice", text));
        const { entries, lastSeq } = await store.entriesAfter("lobby", 1);
        expect(entries.map(({ seq, message }) => [seq, message])).toEqual([
          [2, "b"],
          [3, "c"],
        ]);
        expect(lastSeq).toBe(3);
      });

      it("reports cursors and the newest held entries for receipts", async () => {
        await store.addMember("lobby", "alice", 0);
        await store.addMember("lobby", "bob", 0);
        for (let index = 0; index < 4; index += 1) await store.append("lobby", entry("alice"));
        await store.ack("lobby", "bob", 2, 0);
        const state = await store.deliveryState("lobby", 3);
        expect([...state.cursors].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
          { name: "alice", acked: 0 },
          { name: "bob", acked: 2 },
        ]);
        expect(state.entries.map(({ seq, user }) => [seq, user])).toEqual([
          [2, "alice"],
          [3, "alice"],
          [4, "alice"],
        ]);
        expect(await store.deliveryState("nowhere", 3)).toEqual({ cursors: [], entries: [] });
      });

      it("says where an ack moved a cursor from, and reads only a range of seqs when asked", async () => {
        for (const name of ["alice", "bob", "carol"]) await store.addMember("lobby", name, 0);
        for (const user of ["alice", "carol", "alice", "carol"]) await store.append("lobby", entry(user));
        expect(await store.ack("lobby", "bob", 1, 0)).toMatchObject({ acked: 1, from: 0 });
        expect(await store.ack("lobby", "bob", 3, 0)).toMatchObject({ acked: 3, from: 1 });
        expect(await store.ack("lobby", "bob", 2, 0)).toMatchObject({ acked: 3, from: 3 });
        const seqs = async (limit: number, after: number, through: number) =>
          (await store.deliveryState("lobby", limit, { after, through })).entries.map(({ seq }) => seq);
        expect(await seqs(10, 1, 3)).toEqual([2, 3]);
        expect(await seqs(1, 1, 3)).toEqual([3]);
        expect(await seqs(10, 3, 100)).toEqual([4]);
        expect(await seqs(10, 2, 2)).toEqual([]);
        expect((await store.deliveryState("lobby", 10, { after: 0, through: 0 })).cursors).toHaveLength(3);
      });
    });

    describe("sweep", () => {
      it("drops entries older than the message TTL and reports the range", async () => {
        await store.claimName("bob", KEY_B, "c1", 0);
        const { incarnation } = await store.addMember("lobby", "bob", 0);
        await store.append("lobby", entry("alice", "old", 0));
        await store.append("lobby", entry("alice", "older", 100));
        await store.append("lobby", entry("alice", "new", 900));
        expect(await store.sweep(1_150)).toEqual([{ room: "lobby", expired: { from: 1, to: 2 }, incarnation, droppedMembers: [], deleted: [] }]);
        expect((await store.entriesAfter("lobby", 0)).entries.map(({ message }) => message)).toEqual(["new"]);
        expect(await store.sweep(1_150)).toEqual([]);
      });

      it("drops members away longer than the member TTL, but never connected ones", async () => {
        await store.claimName("alice", KEY_A, "c1", 0);
        await store.claimName("bob", KEY_B, "c2", 0);
        await store.addMember("lobby", "alice", 0);
        await store.addMember("lobby", "bob", 0);
        await store.releaseName("bob", "c2", 1_000);
        // Alice has her message (young enough to outlive the sweeps); bob alone is owed it, so it goes with him.
        await store.append("lobby", aliceMessage("m1", 5_400));
        await store.ack("lobby", "alice", 1, 5_400);
        expect(await store.sweep(5_500)).toEqual([]);
        expect(await store.sweep(6_100)).toEqual([{ room: "lobby", droppedMembers: ["bob"], deleted: [{ seq: 1, id: "m1", user: "alice" }] }]);
        expect((await store.members("lobby")).map(({ name }) => name)).toEqual(["alice"]);
        expect(await store.memberships("bob")).toEqual([]);
        // Dropped from every room, bob's name is free again.
        expect(await store.claimName("bob", KEY_A, "c3", 6_200)).toBe(true);
      });

      it("deletes entries that only a dropped member was missing", async () => {
        await store.claimName("alice", KEY_A, "c1", 0);
        await store.claimName("bob", KEY_B, "c2", 0);
        await store.addMember("lobby", "alice", 0);
        await store.addMember("lobby", "bob", 0);
        await store.releaseName("bob", "c2", 0);
        await store.append("lobby", entry("alice", "hi", 5_900));
        await store.ack("lobby", "alice", 1, 5_900);
        await store.sweep(6_000);
        expect(await store.heldEntries()).toBe(0);
      });
    });
  });
}

// Leaves and submissions as the relay passes them after reading the MLS framing.
const leaf = (index: number, name: string, publicKey: string): GroupLeaf => ({ leaf: index, name, nameKey: name.toLowerCase(), publicKey });
const groupIdIn = async (store: RelayStore, room: string) => `pigeon/${(await store.groupView(room))?.incarnation ?? ""}/${room}`;
const record = (groupId: string, epoch: number, leaves: GroupLeaf[]): GroupRecordInput => ({ groupId, groupInfo: `GI${epoch}`, epoch, leaves });
// Ids of their own, so that the byte quota tests' entries keep their sizes.
let mlsCounter = 0;
const mlsEntry = (user: string, epoch: number, kind: "application" | "commit" = "application") => ({
  id: `mls-${(mlsCounter += 1)}`,
  user,
  message: `mls-${epoch}`,
  sentAt: 0,
  mls: kind,
  epoch,
});
const application: MlsSubmission = { kind: "application" };
function commit(groupId: string, next: GroupRecordInput, committer: Committer): MlsSubmission {
  return { kind: "commit", groupId, committer, next };
}

/** The encrypted-room part of the contract: modes, groups, MLS entries, pending removals. */
function describeGroupContract(current: () => RelayStore, share: ShareStore): void {
  const A = KEY_A.publicKey;
  const B = KEY_B.publicKey;
  /** An encrypted room "team" with alice (and bob) as members and alice's group at epoch 0. */
  async function team(withBob = true): Promise<string> {
    const store = current();
    await store.addMember("team", "alice", 0, { mode: "encrypted", publicKey: A });
    if (withBob) await store.addMember("team", "bob", 0, { mode: "plain", publicKey: B });
    const groupId = await groupIdIn(store, "team");
    const created = await store.createGroup("team", record(groupId, 0, [leaf(0, "alice", A)]));
    expect(created).toMatchObject({ epoch: 0, pending: [] });
    return groupId;
  }

  describe("encrypted rooms", () => {
    it("fixes a room's mode when its state is created, and forgets it with the state", async () => {
      const store = current();
      expect(await store.roomMode("team")).toBeUndefined();
      expect(await store.addMember("team", "alice", 0, { mode: "encrypted", publicKey: A })).toMatchObject({ mode: "encrypted", group: { epoch: null, pending: [] } });
      expect((await store.addMember("team", "bob", 0, { mode: "plain" })).mode).toBe("encrypted");
      expect(await store.addPresence("team", "carol", "c3", "plain")).toBe("encrypted");
      expect((await store.memberships("bob")).map(({ mode }) => mode)).toEqual(["encrypted"]);
      // A guest's join leaves a room of another mode alone.
      expect(await store.addPresence("team", "dave", "c4", "plain", "plain")).toBe("encrypted");
      expect((await store.members("team")).map(({ name }) => name)).toEqual(["alice", "bob", "carol"]);
      expect(await store.addPresence("lobby", "dave", "c4", "encrypted", "plain")).toBe("plain");
      for (const name of ["alice", "bob"]) await store.removeMember("team", name);
      await store.removePresence("team", "carol", "c3");
      expect(await store.roomMode("team")).toBeUndefined();
      expect((await store.addMember("team", "alice", 0)).mode).toBe("plain");
    });

    it("refuses text in an encrypted room, and MLS or a group in a plain one", async () => {
      const store = current();
      await store.addMember("team", "alice", 0, { mode: "encrypted", publicKey: A });
      expect(await store.append("team", entry("alice"))).toMatchObject({ encrypted: true });
      expect((await store.entriesAfter("team", 0)).lastSeq).toBe(0);
      await store.addMember("lobby", "alice", 0);
      expect(await store.appendMls("lobby", mlsEntry("alice", 0), application)).toMatchObject({ refused: "plain" });
      expect(await store.createGroup("lobby", record(await groupIdIn(store, "lobby"), 0, [leaf(0, "alice", A)]))).toMatchObject({ refused: "plain" });
      expect((await store.groupView("lobby"))?.mode).toBe("plain");
    });

    it("creates a group once per incarnation, under the id that names it", async () => {
      const store = current();
      await store.addMember("team", "alice", 0, { mode: "encrypted", publicKey: A });
      const wrong = await store.createGroup("team", record("pigeon/old/team", 0, [leaf(0, "alice", A)]));
      expect(wrong).toMatchObject({ refused: "group-id", group: { epoch: null } });
      const groupId = await groupIdIn(store, "team");
      const [first, second] = await Promise.all([
        store.createGroup("team", record(groupId, 0, [leaf(0, "alice", A)])),
        (await share(store)).createGroup("team", record(groupId, 0, [leaf(0, "alice", A)])),
      ]);
      const outcomes = [first, second].map((outcome) => ("refused" in outcome ? outcome.refused : "ok")).sort();
      expect(outcomes).toEqual(["ok", "stale"]);
      const view = await store.groupView("team");
      expect(view).toMatchObject({ mode: "encrypted", groupInfo: "GI0", epoch: 0, pending: [], seq: 0, incarnation: groupId.split("/")[1] });
    });

    it("refuses a commit its sender's share cannot hold, leaving the group at its epoch", async () => {
      const store = current();
      const groupId = await team();
      const next = record(groupId, 1, [leaf(0, "alice", A), leaf(1, "bob", B)]);
      // Over half the room's bytes, with nothing of alice's held to make room: refused whole.
      const big = { ...mlsEntry("alice", 0, "commit"), message: "c".repeat(CONTRACT_LIMITS.maxRoomBytes / 2 + 1) };
      await expect(store.appendMls("team", big, commit(groupId, next, { leaf: 0, nameKey: "alice", publicKey: A }))).rejects.toThrow(QuotaExceededError);
      expect(await store.groupView("team")).toMatchObject({ epoch: 0, groupInfo: "GI0", pending: [], seq: 0 });
    });

    it("takes the first commit of an epoch from either node, and moves the group on", async () => {
      const store = current();
      const groupId = await team();
      const other = await share(store);
      const next = record(groupId, 1, [leaf(0, "alice", A), leaf(1, "bob", B)]);
      const [first, second] = await Promise.all([
        store.appendMls("team", mlsEntry("bob", 0, "commit"), commit(groupId, next, "external")),
        other.appendMls("team", mlsEntry("alice", 0, "commit"), commit(groupId, next, { leaf: 0, nameKey: "alice", publicKey: A })),
      ]);
      const won = [first, second].filter((outcome) => outcome.refused === undefined);
      expect(won).toHaveLength(1);
      expect([first, second].find((outcome) => outcome.refused !== undefined)).toMatchObject({ refused: "stale", group: { epoch: 1 } });
      expect(await other.groupView("team")).toMatchObject({ epoch: 1, groupInfo: "GI1", pending: [], seq: 1 });
      const held = (await store.entriesAfter("team", 0)).entries;
      expect(held.map(({ seq, mls, epoch }) => ({ seq, mls, epoch }))).toEqual([{ seq: 1, mls: "commit", epoch: 0 }]);
    });

    it("takes application messages at the current epoch only, and holds them with kind and epoch", async () => {
      const store = current();
      await team();
      expect(await store.appendMls("team", mlsEntry("alice", 1), application)).toMatchObject({ refused: "stale", group: { epoch: 0 } });
      const sent = await store.appendMls("team", mlsEntry("alice", 0), application);
      expect(sent).toMatchObject({ seq: 1, changed: false, group: { epoch: 0, pending: [] } });
      expect((await store.entriesAfter("team", 0)).entries[0]).toMatchObject({ seq: 1, user: "alice", message: "mls-0", mls: "application", epoch: 0 });
    });

    it("names each entry's MLS kind for receipts, in the delivery state and in what an ack deletes", async () => {
      const store = current();
      const groupId = await team();
      await store.appendMls("team", mlsEntry("bob", 0, "commit"), commit(groupId, record(groupId, 1, [leaf(0, "alice", A), leaf(1, "bob", B)]), "external"));
      await store.appendMls("team", mlsEntry("alice", 1), application);
      const kinds = (entries: readonly DeletedEntry[]) => entries.map(({ seq, user, mls }) => ({ seq, user, mls }));
      const both = [
        { seq: 1, user: "bob", mls: "commit" },
        { seq: 2, user: "alice", mls: "application" },
      ];
      expect(kinds((await store.deliveryState("team", 10)).entries)).toEqual(both);
      await store.ack("team", "alice", 2, 0);
      expect(kinds((await store.ack("team", "bob", 2, 0))?.deleted ?? [])).toEqual(both);
    });

    it("answers a retried client key with the original, before any check", async () => {
      const store = current();
      const groupId = await team();
      const sent = mlsEntry("alice", 0);
      await store.appendMls("team", sent, application, "alice\nk1");
      await store.appendMls("team", mlsEntry("bob", 0, "commit"), commit(groupId, record(groupId, 1, [leaf(0, "alice", A), leaf(1, "bob", B)]), "external"));
      const again = await store.appendMls("team", mlsEntry("alice", 0), application, "alice\nk1");
      expect(again).toMatchObject({ seq: 1, original: { id: sent.id, sentAt: sent.sentAt }, group: { epoch: 1 } });
      expect(again.refused).toBeUndefined();
      expect((await store.entriesAfter("team", 0)).lastSeq).toBe(2);
    });

    it("refuses a member's commit from a leaf that is not the sender's", async () => {
      const store = current();
      const groupId = await team();
      const next = record(groupId, 1, [leaf(0, "alice", A)]);
      expect(await store.appendMls("team", mlsEntry("bob", 0, "commit"), commit(groupId, next, { leaf: 0, nameKey: "bob", publicKey: B }))).toMatchObject({ refused: "sender" });
      expect(await store.appendMls("team", mlsEntry("bob", 0, "commit"), commit(groupId, next, { leaf: 0, nameKey: "alice", publicKey: B }))).toMatchObject({ refused: "sender" });
      expect(await store.appendMls("team", mlsEntry("bob", 0, "commit"), commit(groupId, next, { leaf: 3, nameKey: "bob", publicKey: B }))).toMatchObject({ refused: "sender" });
      expect(await store.appendMls("team", mlsEntry("bob", 0, "commit"), commit("pigeon/x/team", next, "external"))).toMatchObject({ refused: "group-id" });
      expect((await store.groupView("team"))?.epoch).toBe(0);
    });

    it("makes a leaving member's leaves pending until a commit removes them, and refuses messages meanwhile", async () => {
      const store = current();
      const groupId = await team();
      await store.appendMls("team", mlsEntry("bob", 0, "commit"), commit(groupId, record(groupId, 1, [leaf(0, "alice", A), leaf(1, "bob", B)]), "external"));
      const removed = await store.removeMember("team", "bob");
      expect(removed.group).toMatchObject({ epoch: 1, pending: [{ leaf: 1, name: "bob" }] });
      expect(await store.appendMls("team", mlsEntry("alice", 1), application)).toMatchObject({ refused: "pending", group: { pending: [{ leaf: 1, name: "bob" }] } });
      const removal = await store.appendMls("team", mlsEntry("alice", 1, "commit"), commit(groupId, record(groupId, 2, [leaf(0, "alice", A)]), { leaf: 0, nameKey: "alice", publicKey: A }));
      expect(removal).toMatchObject({ changed: true, group: { epoch: 2, pending: [] } });
      expect(await store.appendMls("team", mlsEntry("alice", 2), application)).toMatchObject({ group: { epoch: 2 } });
    });

    it("pends a leaf whose name is back with another key, and clears it when the key is the leaf's", async () => {
      const store = current();
      const groupId = await team();
      await store.appendMls("team", mlsEntry("bob", 0, "commit"), commit(groupId, record(groupId, 1, [leaf(0, "alice", A), leaf(1, "bob", B)]), "external"));
      await store.removeMember("team", "bob");
      const impostor = await store.addMember("team", "bob", 0, { publicKey: "C".repeat(43) });
      expect(impostor).toMatchObject({ groupChanged: false, group: { pending: [{ leaf: 1, name: "bob" }] } });
      const back = await store.addMember("team", "bob", 0, { publicKey: B });
      expect(back).toMatchObject({ groupChanged: true, group: { pending: [] } });
      // A commit whose tree holds a non-member is pending from the start.
      const next = record(groupId, 2, [leaf(0, "alice", A), leaf(1, "bob", B), leaf(2, "eve", "E".repeat(43))]);
      const added = await store.appendMls("team", mlsEntry("alice", 1, "commit"), commit(groupId, next, { leaf: 0, nameKey: "alice", publicKey: A }));
      expect(added).toMatchObject({ changed: true, group: { epoch: 2, pending: [{ leaf: 2, name: "eve" }] } });
    });

    it("reports the group of a room whose members the sweep dropped", async () => {
      const store = current();
      await store.claimName("alice", KEY_A, "c1", 0);
      await store.claimName("bob", KEY_B, "c2", 0);
      const groupId = await team();
      await store.appendMls("team", mlsEntry("bob", 0, "commit"), commit(groupId, record(groupId, 1, [leaf(0, "alice", A), leaf(1, "bob", B)]), "external"));
      await store.releaseName("bob", "c2", 0);
      const [report] = await store.sweep(CONTRACT_LIMITS.memberTtlMs + 1);
      expect(report).toMatchObject({ room: "team", droppedMembers: ["bob"], group: { epoch: 1, pending: [{ leaf: 1, name: "bob" }] } });
      expect(report?.group?.incarnation).toBe(groupId.split("/")[1]);
    });
  });
}

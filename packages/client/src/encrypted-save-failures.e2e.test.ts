import { createIdentityKey, MemoryGroupStateStore, type StoredGroup } from "@pigeon/crypto";
import { clientPool, nextEvent, record, recordByRoom, useRelayPerTest, waitUntil, type KeyedUser } from "@pigeon/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { DeliveredMessage, PigeonClient } from "./index.js";

// An encrypted room's member acks an entry only once the group state that took it in is saved:
// the relay then deletes it, and the member's next session starts from the saved state. A save
// can fail (a full disk, a browser over its storage quota). What was taken in is shown all the
// same, but its acks wait for a save that succeeds; until then the relay keeps the entries, and
// a session that ends first leaves them to the next, which reads them from the older state.

const pool = clientPool({}, { mode: "encrypted" });
afterEach(() => pool.closeAll());

/** A memory store whose saves fail while `failing`, as a full disk's would. */
class FullDiskStore extends MemoryGroupStateStore {
  failing = false;
  failures = 0;

  override async save(group: StoredGroup): Promise<void> {
    if (this.failing) {
      this.failures += 1;
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    }
    await super.save(group);
  }
}

/** A quiet logger that keeps each warning with its details (the SDK logs a code there). */
function detailLogger() {
  const warnings: string[] = [];
  return { warnings, warn: (message: string, details?: unknown) => warnings.push(`${message} ${String(details)}`) };
}

function texts(messages: readonly DeliveredMessage[] | undefined): string[] {
  return (messages ?? []).map(({ user, message }) => `${user}: ${message}`);
}

describe("an encrypted room whose state cannot be saved", () => {
  const server = useRelayPerTest({});

  /** bob's acked seq in `room`, as the relay holds it. */
  async function bobsCursor(room: string): Promise<number | undefined> {
    const rooms = await server().relay.context.store.memberships("bob");
    return rooms.find((entry) => entry.room === room)?.acked;
  }

  /** alice, and bob joined to team with a store that can fail; bob's group is saved once. */
  async function aliceAndBob(logger = detailLogger()) {
    const alice: KeyedUser = await pool.keyed(server().url, "alice", "team");
    const store = new FullDiskStore();
    const key = createIdentityKey();
    const bob = pool.client(server().url, { logger, mls: { stateStore: store } });
    const received = recordByRoom(bob);
    const storage = record(bob, "storage");
    await pool.resume(server().url, "bob", key, bob);
    await bob.join("team");
    await waitUntil(async () => (await store.load("team")) !== undefined, "bob's group is saved");
    return { alice, bob, key, store, received, storage, logger };
  }

  /** A new session of bob's on `store`, once it has caught up with team. */
  async function bobAgain(key: ReturnType<typeof createIdentityKey>, store: FullDiskStore): Promise<Map<string, DeliveredMessage[]>> {
    const bob: PigeonClient = pool.client(server().url, { mls: { stateStore: store } });
    const received = recordByRoom(bob);
    const caughtUp = nextEvent(bob, "caughtUp", ({ room }) => room === "team");
    await pool.resume(server().url, "bob", key, bob);
    await caughtUp;
    return received;
  }

  it("shows what it took in, but leaves it unacked for its next session", async () => {
    const { alice, bob, key, store, received, logger } = await aliceAndBob();
    store.failing = true;
    const sent = await alice.client.send("team", "while the disk was full");
    await waitUntil(() => texts(received.get("team")).includes("alice: while the disk was full"), "bob sees alice's message");
    await waitUntil(() => store.failures > 0, "bob's save failed");
    // A message key is spent only once its state is saved: bob cannot send meanwhile.
    await expect(bob.send("team", "from bob's full disk")).rejects.toMatchObject({ code: "ENOSPC" });
    // close() sends whatever acks are waiting: none may be for what the saved state lacks.
    await bob.close();
    expect(await bobsCursor("team")).toBeLessThan(sent.seq);
    expect(logger.warnings.join("\n")).toContain("ENOSPC");

    store.failing = false;
    const again = await bobAgain(key, store);
    expect(texts(again.get("team"))).toEqual(["alice: while the disk was full"]);
    expect(again.get("team")?.[0]?.seq).toBe(sent.seq);
    expect(texts(alice.received.get("team"))).not.toContain("bob: from bob's full disk");
  });

  it("acks what it took in once a save succeeds again, without a new message to take in", async () => {
    const { alice, bob, key, store, received, storage } = await aliceAndBob();
    store.failing = true;
    const sent = await alice.client.send("team", "one");
    await waitUntil(() => texts(received.get("team")).includes("alice: one"), "bob sees alice's message");
    await waitUntil(() => store.failures > 0, "bob's save failed");
    store.failing = false;
    // The room is quiet: the SDK tries the save again by itself, and then acks.
    await waitUntil(async () => (await bobsCursor("team")) === sent.seq, "bob's cursor reaches alice's message");
    // The app was told, once each way.
    expect(storage).toEqual([
      { room: "team", saved: false, code: "ENOSPC" },
      { room: "team", saved: true },
    ]);
    await bob.close();
    expect(texts(received.get("team"))).toEqual(["alice: one"]);

    const again = await bobAgain(key, store);
    expect(again.get("team") ?? []).toEqual([]);
  });
});

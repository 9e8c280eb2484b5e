import { createIdentityKey, MemoryGroupStateStore, MemoryPinStore, type StoredGroup } from "@pigeon/crypto";
import { clientPool, gate, recordingLogger, useRelayPerTest, waitUntil, type PoolClientOptions } from "@pigeon/testing";
import { afterEach, describe, expect, it } from "vitest";

// A group's state holds its epoch secrets. The SDK saves it after every batch it takes in, in
// the background; leaving the room deletes it, and a process exits once close() resolves. Each
// of those must come after the saves already under way, or a deleted group comes back from a
// late save, or a process exits with a write half done (a file store's temporary file left).

const pool = clientPool({}, { mode: "encrypted" });
afterEach(() => pool.closeAll());

/** Holds the next call that passes it until released. */
class Gate {
  #armed: { held: ReturnType<typeof gate>; reached: ReturnType<typeof gate> } | undefined;

  /** Holds the next `pass()` until `release` is called; `reached` resolves once it is held. */
  hold(): { reached: Promise<void>; release: () => void } {
    const armed = { held: gate(), reached: gate() };
    this.#armed = armed;
    return { reached: armed.reached.promise, release: armed.held.open };
  }

  async pass(): Promise<void> {
    const armed = this.#armed;
    this.#armed = undefined;
    armed?.reached.open();
    await armed?.held.promise;
  }
}

/** A memory store that records the writes that reached it, in order, and can hold a save. */
class HeldStore extends MemoryGroupStateStore {
  readonly log: string[] = [];
  readonly gate = new Gate();

  override async save(group: StoredGroup): Promise<void> {
    await this.gate.pass();
    await super.save(group);
    this.log.push("saved");
  }

  override async delete(room: string): Promise<void> {
    this.log.push("deleted");
    await super.delete(room);
  }
}

/** A memory pin store that records the pins written and can hold a write. */
class HeldPins extends MemoryPinStore {
  readonly log: string[] = [];
  readonly gate = new Gate();

  override async save(name: string, key: Uint8Array): Promise<void> {
    await this.gate.pass();
    await super.save(name, key);
    this.log.push(`pinned ${name}`);
  }
}

describe("an encrypted room's state writes", () => {
  const server = useRelayPerTest({});

  /** bob in team with a held store, and a save of his held: alice's message is being saved. */
  async function bobSaving(options: PoolClientOptions = {}) {
    const alice = await pool.keyed(server().url, "alice", "team");
    const store = new HeldStore();
    const bob = pool.client(server().url, { ...options, mls: { stateStore: store } });
    await pool.resume(server().url, "bob", createIdentityKey(), bob);
    await bob.join("team", { mode: "encrypted" });
    await waitUntil(() => store.log.at(-1) === "saved", "bob saved his group");
    const held = store.gate.hold();
    await alice.client.send("team", "hello");
    await held.reached;
    store.log.length = 0;
    return { bob, store, release: held.release };
  }

  it("deletes a left room's state after the save under way, so that it does not come back", async () => {
    const { bob, store, release } = await bobSaving();
    const leaving = bob.leave("team");
    // The relay answered and the SDK forgot the room: a delete that did not wait has run.
    await waitUntil(() => !bob.rooms.includes("team"), "bob left team");
    release();
    await leaving;
    expect(store.log).toEqual(["saved", "deleted"]);
    expect(await store.load("team")).toBeUndefined();
  });

  it("resolves close() only once the save under way is written", async () => {
    const { bob, store, release } = await bobSaving();
    let closed = false;
    const closing = bob.close().then(() => { closed = true; });
    // By the time the relay has seen bob go, a close() that did not wait would have resolved.
    await waitUntil(() => server().relay.context.io.of("/").sockets.size === 1, "the relay saw bob go");
    expect(closed).toBe(false);
    release();
    await closing;
    expect(store.log).toEqual(["saved"]);
  });

  it("resolves close() only once what a room is taking in is done, a first-seen key pinned", async () => {
    await pool.keyed(server().url, "alice", "team");
    const pinStore = new HeldPins();
    const bob = pool.client(server().url, { mls: { stateStore: new HeldStore(), pinStore } });
    await pool.resume(server().url, "bob", createIdentityKey(), bob);
    const held = pinStore.gate.hold();
    // Joining alice's group pins her key, inside the room's queue: bob is mid-join.
    const joining = bob.join("team", { mode: "encrypted" }).catch(() => undefined);
    await held.reached;
    let closed = false;
    const closing = bob.close().then(() => { closed = true; });
    await waitUntil(() => server().relay.context.io.of("/").sockets.size === 1, "the relay saw bob go");
    expect(closed).toBe(false);
    held.release();
    await closing;
    await joining;
    expect(pinStore.log).toEqual(["pinned alice"]);
  });

  it("resolves close() after `timeoutMs` with a warning when the state store does not answer", async () => {
    const logger = recordingLogger();
    const { bob, store, release } = await bobSaving({ timeoutMs: 2_000, logger });
    // The save never finishes while bob closes: close() gives up on it rather than hang.
    await bob.close();
    expect(logger.warnings).toContain("pigeon: closed while a group state write was still under way");
    expect(store.log).toEqual([]);
    release();
  });
});

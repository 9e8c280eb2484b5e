import type { RelayStore } from "@pigeon/relay";
import { aliceAndBobInTeam, base64, describeEachStore, nextEvent, record, testIdentity, untyped, useKeyed, useRelay, waitUntil, withStoreMethod } from "@pigeon/testing";
import { afterEach, expect, it, vi } from "vitest";
import { RelayLimits } from "../limits/limits.js";

/** `store` with every `append` call's text logged as it is issued, and the first one's reply held until `release()`. */
function holdFirstAppend(store: RelayStore) {
  const issued: string[] = [];
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const held = withStoreMethod(store, "append", async (append, room, entry, clientKey) => {
    issued.push(entry.message);
    const reply = append(room, entry, clientKey);
    if (issued.length === 1) await released;
    return reply;
  });
  return { held, issued, release };
}

/** Long enough for a few local round trips on a loaded machine; a queue that runs them one at a time never gets there. */
const WAIT_MS = 10_000;

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * Holds the first `RelayLimits.message` check from now on until `release()`; `checked` tells
 * which checks have started and which are done.
 */
function holdFirstMessageCheck() {
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const checked: string[] = [];
  const message = Reflect.get<RelayLimits, "message">(RelayLimits.prototype, "message");
  vi.spyOn(RelayLimits.prototype, "message").mockImplementation(async function (this: RelayLimits, who) {
    const call = checked.length;
    checked.push("started");
    if (call === 0) await released;
    await message.call(this, who);
    checked[call] = "done";
  });
  return { checked, release };
}

describeEachStore("a connection's messages in flight", (store) => {
  it("reach the store while the one before is still there, and the room in the order sent", async () => {
    const hold: { issued: string[]; release: () => void } = { issued: [], release: () => undefined };
    const server = await useRelay(
      { store },
      {
        wrapStore: (inner) => {
          const { held, issued, release } = holdFirstAppend(inner);
          Object.assign(hold, { issued, release });
          return held;
        },
      },
    );
    const alice = await useKeyed(server, testIdentity(), "alice", ["lobby"]);
    const bob = await useKeyed(server, testIdentity(), "bob", ["lobby"]);
    const seen = record(bob, "message");
    const texts = ["one", "two", "three"];
    for (const text of texts) untyped(alice).emit("chat", { room: "lobby", text });
    // With the first still in the store, the others are issued behind it; one at a time, they would wait.
    await waitUntil(() => hold.issued.length === texts.length, () => `appends issued: ${hold.issued.join(", ")}`, WAIT_MS);
    expect(hold.issued).toEqual(texts);
    expect(seen).toEqual([]);
    const last = nextEvent(bob, "message", ({ message }) => message === "three");
    hold.release();
    await last;
    expect(seen.map(({ message, seq }) => [message, seq])).toEqual([
      ["one", 1],
      ["two", 2],
      ["three", 3],
    ]);
  });

  it("are stored in the order sent even when a later one's rate limit is checked first", async () => {
    const server = await useRelay({ store });
    const alice = await useKeyed(server, testIdentity(), "alice", ["lobby"]);
    const bob = await useKeyed(server, testIdentity(), "bob", ["lobby"]);
    const seen = record(bob, "message");
    // The first message's check is held; the second's and third's finish before it.
    const { checked, release } = holdFirstMessageCheck();
    for (const text of ["one", "two", "three"]) untyped(alice).emit("chat", { room: "lobby", text });
    await waitUntil(() => checked.join() === "started,done,done", () => `checks: ${checked.join()}`, WAIT_MS);
    const last = nextEvent(bob, "message", ({ message: text }) => text === "three");
    release();
    await last;
    expect(seen.map(({ message: text, seq }) => [text, seq])).toEqual([
      ["one", 1],
      ["two", 2],
      ["three", 3],
    ]);
  });

  it("finish before a leave sent after them, and a chat sent after the leave is refused", async () => {
    const server = await useRelay({ store });
    const alice = await useKeyed(server, testIdentity(), "alice", ["lobby", "other"]);
    const bob = await useKeyed(server, testIdentity(), "bob", ["lobby", "other"]);
    const seen = record(bob, "message");
    for (let index = 0; index < 20; index += 1) untyped(alice).emit("chat", { room: "lobby", text: `m${index}` });
    untyped(alice).emit("leave", "lobby");
    expect(await alice.emitWithAck("chat", { room: "lobby", text: "after the leave" })).toMatchObject({ ok: false, error: { code: "NOT_IN_ROOM" } });
    const barrier = nextEvent(bob, "message", ({ message }) => message === "barrier");
    await alice.emitWithAck("chat", { room: "other", text: "barrier" });
    await barrier;
    expect(seen.filter(({ room }) => room === "lobby").map(({ message }) => message)).toEqual(Array.from({ length: 20 }, (_, index) => `m${index}`));
  });

  it("carry an encrypted room's messages to the store and the room in the order sent, too", async () => {
    const { alice, aliceGroup, bob, joined } = await aliceAndBobInTeam(store);
    const seen = record(bob.socket, "message");
    const texts = ["one", "two", "three"];
    const messages = [];
    for (const text of texts) messages.push(base64(await aliceGroup.encrypt(new TextEncoder().encode(text))));
    const { checked, release } = holdFirstMessageCheck();
    const acks = messages.map((message) => alice.socket.emitWithAck("mls", { room: "team", message }));
    await waitUntil(() => checked.join() === "started,done,done", () => `checks: ${checked.join()}`, WAIT_MS);
    release();
    expect((await Promise.all(acks)).map((ack) => (ack.ok ? ack.data.seq : ack.error.code))).toEqual([2, 3, 4]);
    await waitUntil(() => seen.filter(({ user }) => user === "alice").length === texts.length, "alice's messages at bob", WAIT_MS);
    const read = [];
    for (const { message } of seen.filter(({ user }) => user === "alice")) {
      const processed = await joined.group.process(new Uint8Array(Buffer.from(message, "base64")));
      read.push(processed.kind === "message" ? new TextDecoder().decode(processed.plaintext) : processed.kind);
    }
    expect(read).toEqual(texts);
  });
});

import { expect, it } from "vitest";
import {
  record,
  nextEvent,
  testIdentity,
  useKeyed,
  useMember,
  useRelay,
  useSocket,
  greeting,
  type TestSocket,
  describeEachStore,
} from "@pigeon/testing";
import type { TestServer } from "@pigeon/testing";

async function send(socket: TestSocket, room: string, texts: string[]): Promise<void> {
  for (const text of texts) {
    const result = await socket.emitWithAck("chat", { room, text });
    if (!result.ok) throw new Error(result.error.code);
  }
}

const held = (server: TestServer) => server.relay.context.store.heldEntries();

describeEachStore("store-and-forward delivery", (store) => {
  it("replays what a keyed member missed, marked, in order, then says it is caught up", async () => {
    const server = await useRelay({ store });
    const [alice, bob] = [testIdentity(), testIdentity()];
    const aliceSocket = await useKeyed(server, alice, "alice", ["lobby"]);
    const bobSocket = await useKeyed(server, bob, "bob", ["lobby"]);
    bobSocket.disconnect();
    await nextEvent(aliceSocket, "memberChanges", ({ changes }) => changes.some((m) => m.name === "bob" && !m.online));
    await send(aliceSocket, "lobby", ["one", "two", "three"]);
    expect(await held(server)).toBe(3);

    const back = await useSocket(server);
    const replayed = record(back, "message");
    const caughtUp = nextEvent(back, "caughtUp");
    const login = await back.emitWithAck("login", bob.loginPayload("bob", greeting(back)));
    const incarnation = expect.any(String) as string;
    expect(login).toEqual({ ok: true, data: { name: "bob", kind: "keyed", rooms: [{ room: "lobby", acked: 0, incarnation, mode: "plain" }] } });
    const resumed = login.ok ? login.data.rooms[0]?.incarnation : undefined;
    // One run of seqs throughout: the cursor, the replay and the catch-up name the same incarnation.
    expect(await caughtUp).toEqual({ room: "lobby", seq: 3, incarnation: resumed });
    expect(replayed.every((message) => message.incarnation === resumed)).toBe(true);
    expect(replayed.map(({ message, seq, replayed: marked }) => [message, seq, marked])).toEqual([
      ["one", 1, true],
      ["two", 2, true],
      ["three", 3, true],
    ]);
  });

  it("deletes an entry the moment every member has acked it", async () => {
    const server = await useRelay({ store });
    const alice = await useKeyed(server, testIdentity(), "alice", ["lobby"]);
    const bob = await useKeyed(server, testIdentity(), "bob", ["lobby"]);
    await send(alice, "lobby", ["a", "b"]);
    expect(await alice.emitWithAck("ack", { room: "lobby", seq: 2 })).toEqual({ ok: true, data: { room: "lobby", acked: 2 } });
    expect(await held(server)).toBe(2);
    await bob.emitWithAck("ack", { room: "lobby", seq: 1 });
    expect(await held(server)).toBe(1);
    await bob.emitWithAck("ack", { room: "lobby", seq: 2 });
    expect(await held(server)).toBe(0);
  });

  it("gives a new member nothing from before it joined", async () => {
    const server = await useRelay({ store });
    const alice = await useKeyed(server, testIdentity(), "alice", ["lobby"]);
    await send(alice, "lobby", ["before"]);
    const bob = await useKeyed(server, testIdentity(), "bob");
    expect(await bob.emitWithAck("join", "lobby")).toMatchObject({ ok: true, data: { seq: 1 } });
  });

  it("holds nothing for guests, and refuses their acks", async () => {
    const server = await useRelay({ store });
    const guest = await useMember(server, "guest", ["lobby"]);
    await send(guest, "lobby", ["live only"]);
    expect(await held(server)).toBe(0);
    expect(await guest.emitWithAck("ack", { room: "lobby", seq: 1 })).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
  });

  it("keeps a left member from pinning entries, and stops its replay", async () => {
    const server = await useRelay({ store });
    const alice = await useKeyed(server, testIdentity(), "alice", ["lobby"]);
    const bobIdentity = testIdentity();
    const bob = await useKeyed(server, bobIdentity, "bob", ["lobby"]);
    await send(alice, "lobby", ["x"]);
    await alice.emitWithAck("ack", { room: "lobby", seq: 1 });
    await bob.emitWithAck("leave", "lobby");
    expect(await held(server)).toBe(0);
    bob.disconnect();
    const back = await useKeyed(server, bobIdentity, "bob");
    expect(await back.emitWithAck("join", "side")).toMatchObject({ ok: true });
  });

  it("tells the sender how many members have its message, then that it is deleted", async () => {
    const server = await useRelay({ store, receiptIntervalMs: 0 });
    const alice = await useKeyed(server, testIdentity(), "alice", ["lobby"]);
    const bob = await useKeyed(server, testIdentity(), "bob", ["lobby"]);
    const carol = await useKeyed(server, testIdentity(), "carol", ["lobby"]);
    await send(alice, "lobby", ["hello"]);
    const partial = nextEvent(alice, "receipts");
    await bob.emitWithAck("ack", { room: "lobby", seq: 1 });
    expect((await partial).receipts).toEqual([expect.objectContaining({ seq: 1, delivered: 1, total: 2, deleted: false })]);
    const second = nextEvent(alice, "receipts");
    await carol.emitWithAck("ack", { room: "lobby", seq: 1 });
    expect((await second).receipts).toEqual([expect.objectContaining({ seq: 1, delivered: 2, total: 2, deleted: false })]);
    const gone = nextEvent(alice, "receipts", ({ receipts }) => receipts.some((receipt) => receipt.deleted));
    await alice.emitWithAck("ack", { room: "lobby", seq: 1 });
    expect((await gone).receipts).toEqual([expect.objectContaining({ seq: 1, delivered: 2, total: 2, deleted: true })]);
  });

  it("coalesces receipts: many acks within an interval make one event", async () => {
    // An interval longer than the test: the flush happens when the test says so.
    const server = await useRelay({ store, receiptIntervalMs: 600_000 });
    const alice = await useKeyed(server, testIdentity(), "alice", ["lobby"]);
    const members = await Promise.all(
      Array.from({ length: 10 }, (_, index) => useKeyed(server, testIdentity(), `m${index}`, ["lobby"])),
    );
    await send(alice, "lobby", ["one", "two"]);
    const receipts = record(alice, "receipts");
    const all = nextEvent(alice, "receipts", (event) => event.receipts.some((r) => r.seq === 2 && r.delivered === 10));
    await Promise.all(members.map((member) => member.emitWithAck("ack", { room: "lobby", seq: 2 })));
    await server.relay.context.receipts.flushAll();
    await all;
    expect(receipts).toHaveLength(1);
  });
});

describeEachStore("identities", (store) => {
  it("refuses a held name to another key and to a guest, even while its owner is away", async () => {
    const server = await useRelay({ store });
    const owner = await useKeyed(server, testIdentity(), "alice", ["lobby"]);
    owner.disconnect();
    const impostor = await useSocket(server);
    const other = testIdentity().loginPayload("alice", greeting(impostor));
    expect(await impostor.emitWithAck("login", other)).toMatchObject({ ok: false, error: { code: "NAME_TAKEN" } });
    expect(await impostor.emitWithAck("login", "Alice")).toMatchObject({ ok: false, error: { code: "NAME_TAKEN" } });
  });

  it("refuses a signature made for another connection's challenge", async () => {
    const server = await useRelay({ store });
    const identity = testIdentity();
    const first = await useSocket(server);
    const payload = identity.loginPayload("alice", greeting(first));
    expect(await first.emitWithAck("login", payload)).toMatchObject({ ok: true });
    first.disconnect();
    const replayer = await useSocket(server);
    expect(await replayer.emitWithAck("login", payload)).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
  });

  it("refuses a signature over another name, and a key that is not a curve point", async () => {
    const server = await useRelay({ store });
    const identity = testIdentity();
    const socket = await useSocket(server);
    const forBob = identity.loginPayload("bob", greeting(socket));
    expect(await socket.emitWithAck("login", { ...forBob, name: "alice" })).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
    const garbageKey = { ...identity.loginPayload("alice", greeting(socket)), publicKey: "_".repeat(43) };
    expect(await socket.emitWithAck("login", garbageKey)).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
    expect(await socket.emitWithAck("login", identity.loginPayload("alice", greeting(socket)))).toMatchObject({ ok: true });
  });

  it("resumes the same identity from a second connection at once", async () => {
    const server = await useRelay({ store });
    const identity = testIdentity();
    const phone = await useKeyed(server, identity, "alice", ["lobby"]);
    const laptop = await useKeyed(server, identity, "alice");
    expect(laptop.connected && phone.connected).toBe(true);
  });
});

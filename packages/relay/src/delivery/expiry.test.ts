import { expect, it } from "vitest";
import {
  describeEachStore,
  greeting,
  nextEvent,
  record,
  testIdentity,
  useKeyed,
  useRelay,
  useSocket,
  type TestIdentity,
  type TestServer,
  type TestSocket,
} from "@pigeon/testing";

async function send(socket: TestSocket, room: string, count: number, text = "m"): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    const result = await socket.emitWithAck("chat", { room, text: `${text}${index}` });
    if (!result.ok) throw new Error(result.error.code);
  }
}

/** `name` logs in again on a new connection; what the relay then sends it, caught from the start. */
async function comeBack(server: TestServer, identity: TestIdentity, name: string) {
  const socket = await useSocket(server);
  const expired = nextEvent(socket, "expired");
  const messages = record(socket, "message");
  const caughtUp = nextEvent(socket, "caughtUp");
  await socket.emitWithAck("login", identity.loginPayload(name, greeting(socket)));
  return { socket, expired, messages, caughtUp };
}

const MINUTE_MS = 60_000;

describeEachStore("expiry", (store) => {
  it("drops messages past the TTL, tells the room, and tells a returning laggard the gap", async () => {
    let now = 1_000_000;
    const server = await useRelay({ store, messageTtlMs: 10 * MINUTE_MS, memberTtlMs: 60 * MINUTE_MS }, { clock: () => now });
    const alice = await useKeyed(server, testIdentity(), "alice", ["lobby"]);
    const bobIdentity = testIdentity();
    (await useKeyed(server, bobIdentity, "bob", ["lobby"])).disconnect();
    await nextEvent(alice, "memberChanges", ({ changes }) => changes.some((m) => m.name === "bob" && !m.online));

    await send(alice, "lobby", 3, "old");
    now += 6 * MINUTE_MS;
    await send(alice, "lobby", 2, "new");
    now += 5 * MINUTE_MS;
    const live = nextEvent(alice, "expired");
    await server.relay.sweep();
    expect(await live).toEqual({ room: "lobby", from: 1, to: 3, reason: "ttl", incarnation: expect.any(String) });
    expect(await server.relay.context.store.heldEntries()).toBe(2);

    const { expired, messages, caughtUp } = await comeBack(server, bobIdentity, "bob");
    expect(await expired).toEqual({ room: "lobby", from: 1, to: 3, incarnation: expect.any(String) });
    await caughtUp;
    expect(messages.map(({ seq }) => seq)).toEqual([4, 5]);
  });

  it("pushes a sender's oldest messages out past its share of the room quota, keeping the store within it", async () => {
    // Alice's share is half the room's 20: 10.
    const server = await useRelay({ store, maxRoomEntries: 20 });
    const alice = await useKeyed(server, testIdentity(), "alice", ["lobby"]);
    const bobIdentity = testIdentity();
    (await useKeyed(server, bobIdentity, "bob", ["lobby"])).disconnect();
    const notices = record(alice, "expired");
    await send(alice, "lobby", 25);
    await alice.emitWithAck("ack", { room: "lobby", seq: 25 });
    expect(await server.relay.context.store.heldEntries()).toBe(10);
    expect(notices).toHaveLength(15);
    expect(notices[0]).toEqual({ room: "lobby", from: 1, to: 1, reason: "quota", incarnation: expect.any(String) });
    expect(notices.at(-1)).toEqual({ room: "lobby", from: 15, to: 15, reason: "quota", incarnation: expect.any(String) });

    const { expired, messages, caughtUp } = await comeBack(server, bobIdentity, "bob");
    expect(await expired).toEqual({ room: "lobby", from: 1, to: 15, incarnation: expect.any(String) });
    expect(await caughtUp).toEqual({ room: "lobby", seq: 25, incarnation: expect.any(String) });
    expect(messages.map(({ seq }) => seq)).toEqual(Array.from({ length: 10 }, (_, index) => index + 16));
  });

  it("drops members away longer than the member TTL, freeing what they pinned and their name", async () => {
    let now = 1_000_000;
    const server = await useRelay({ store, memberTtlMs: 30 * MINUTE_MS }, { clock: () => now });
    const alice = await useKeyed(server, testIdentity(), "alice", ["lobby"]);
    (await useKeyed(server, testIdentity(), "bob", ["lobby"])).disconnect();
    await nextEvent(alice, "memberChanges", ({ changes }) => changes.some((m) => m.name === "bob" && !m.online));
    await send(alice, "lobby", 1);
    await alice.emitWithAck("ack", { room: "lobby", seq: 1 });
    expect(await server.relay.context.store.heldEntries()).toBe(1);

    now += 29 * MINUTE_MS;
    await server.relay.sweep();
    expect(await server.relay.context.store.heldEntries()).toBe(1);
    now += 2 * MINUTE_MS;
    const members = nextEvent(alice, "members");
    await server.relay.sweep();
    expect(await members).toEqual({ room: "lobby", members: [{ name: "alice", online: true }], mode: "plain" });
    expect(await server.relay.context.store.heldEntries()).toBe(0);
    const newcomer = await useSocket(server);
    expect(await newcomer.emitWithAck("login", "bob")).toMatchObject({ ok: true });
  });

  it("never drops a member who is connected, however long", async () => {
    let now = 1_000_000;
    const server = await useRelay({ store, memberTtlMs: MINUTE_MS }, { clock: () => now });
    const alice = await useKeyed(server, testIdentity(), "alice", ["lobby"]);
    now += 100 * MINUTE_MS;
    await server.relay.sweep();
    expect(await alice.emitWithAck("ack", { room: "lobby", seq: 0 })).toMatchObject({ ok: true });
  });
});

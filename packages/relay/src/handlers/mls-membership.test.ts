import { expect, it } from "vitest";
import { createRoomGroup, describeEachStore, joinRoomGroup, nextEvent, useMlsMember, useRelay } from "@pigeon/testing";

const MINUTE_MS = 60_000;

describeEachStore("encrypted rooms' members", (store) => {
  it("puts a member dropped by the member TTL into the pending removals, and tells the room", async () => {
    let now = 1_000_000;
    const server = await useRelay({ store, memberTtlMs: 10 * MINUTE_MS }, { clock: () => now });
    const alice = await useMlsMember(server, "alice", ["team"]);
    await createRoomGroup(alice, "team");
    const bob = await useMlsMember(server, "bob", ["team"]);
    expect((await joinRoomGroup(bob, "team")).ack.ok).toBe(true);
    const offline = nextEvent(alice.socket, "memberChanges", ({ changes }) => changes.some(({ name, online }) => name === "bob" && !online));
    bob.socket.disconnect();
    await offline;
    now += 11 * MINUTE_MS;
    const status = nextEvent(alice.socket, "groupStatus");
    await server.relay.sweep();
    expect(await status).toMatchObject({ room: "team", epoch: 1, pending: [{ leaf: 1, name: "bob" }], incarnation: expect.any(String) });
  });

  it("clears a leaver's pending removal when it comes back with the same key", async () => {
    const server = await useRelay({ store });
    const alice = await useMlsMember(server, "alice", ["team"]);
    await createRoomGroup(alice, "team");
    const bob = await useMlsMember(server, "bob", ["team"]);
    await joinRoomGroup(bob, "team");
    const pending = nextEvent(alice.socket, "groupStatus");
    await bob.socket.emitWithAck("leave", { room: "team" });
    expect((await pending).pending).toEqual([{ leaf: 1, name: "bob" }]);
    const cleared = nextEvent(alice.socket, "groupStatus");
    expect(await bob.socket.emitWithAck("join", { room: "team" })).toMatchObject({ ok: true, data: { mode: "encrypted", group: { epoch: 1, pending: [] } } });
    expect(await cleared).toMatchObject({ epoch: 1, pending: [] });
  });

  it("keeps a leaf pending when its name comes back with another key", async () => {
    let now = 1_000_000;
    const server = await useRelay({ store, memberTtlMs: 10 * MINUTE_MS }, { clock: () => now });
    const alice = await useMlsMember(server, "alice", ["team"]);
    await createRoomGroup(alice, "team");
    const bob = await useMlsMember(server, "bob", ["team"]);
    await joinRoomGroup(bob, "team");
    await bob.socket.emitWithAck("leave", { room: "team" });
    const gone = nextEvent(alice.socket, "memberChanges", ({ changes }) => changes.some(({ name, left }) => name === "bob" && left === true));
    bob.socket.disconnect();
    await gone;
    // The name is free once bob has been away for the member TTL: another key takes it.
    now += 11 * MINUTE_MS;
    const impostor = await useMlsMember(server, "bob");
    const joined = await impostor.socket.emitWithAck("join", { room: "team", mode: "encrypted" });
    expect(joined).toMatchObject({ ok: true, data: { group: { epoch: 1, pending: [{ leaf: 1, name: "bob" }] } } });
    // Its own external commit adds a leaf under its key; the old leaf stays pending.
    expect((await joinRoomGroup(impostor, "team")).ack).toMatchObject({ ok: true, data: { epoch: 2 } });
    const info = await alice.socket.emitWithAck("groupInfo", { room: "team" });
    expect(info).toMatchObject({ ok: true, data: { epoch: 2, pending: [{ leaf: 1, name: "bob" }] } });
  });
});

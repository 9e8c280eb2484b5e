import { describeEachStore, nextEvent, testIdentity, useKeyed, useRelay } from "@pigeon/testing";
import { expect, it } from "vitest";

const MINUTE_MS = 60_000;

describeEachStore("the last receipt", (store) => {
  it("tells the sender its message is gone when the only member missing it leaves", async () => {
    const server = await useRelay({ store, receiptIntervalMs: 0 });
    const alice = await useKeyed(server, testIdentity(), "alice", ["lobby"]);
    const bob = testIdentity();
    (await useKeyed(server, bob, "bob", ["lobby"])).disconnect();
    const sent = await alice.emitWithAck("chat", { room: "lobby", text: "for bob" });
    if (!sent.ok) throw new Error(sent.error.code);
    // Alice has her own message; only bob is owed it.
    await alice.emitWithAck("ack", { room: "lobby", seq: sent.data.seq });

    // Bob comes back and leaves without confirming it: nobody is owed the message any more.
    const gone = nextEvent(alice, "receipts", ({ receipts }) => receipts.some((receipt) => receipt.seq === sent.data.seq && receipt.deleted));
    const back = await useKeyed(server, bob, "bob");
    expect(await back.emitWithAck("leave", "lobby")).toMatchObject({ ok: true });
    expect((await gone).receipts).toContainEqual(expect.objectContaining({ seq: sent.data.seq, id: sent.data.id, deleted: true }));
    expect(await server.relay.context.store.heldEntries()).toBe(0);
  });

  it("tells the sender its message is gone when the member sweep drops the only member missing it", async () => {
    let now = 1_000_000;
    const server = await useRelay({ store, receiptIntervalMs: 0, memberTtlMs: 10 * MINUTE_MS }, { clock: () => now });
    const alice = await useKeyed(server, testIdentity(), "alice", ["lobby"]);
    (await useKeyed(server, testIdentity(), "bob", ["lobby"])).disconnect();
    await nextEvent(alice, "memberChanges", ({ changes }) => changes.some((change) => change.name === "bob" && !change.online));
    const sent = await alice.emitWithAck("chat", { room: "lobby", text: "for bob" });
    if (!sent.ok) throw new Error(sent.error.code);
    // Alice has her own message; only bob is owed it.
    await alice.emitWithAck("ack", { room: "lobby", seq: sent.data.seq });

    const gone = nextEvent(alice, "receipts", ({ receipts }) => receipts.some((receipt) => receipt.seq === sent.data.seq && receipt.deleted));
    now += 11 * MINUTE_MS;
    await server.relay.sweep();
    expect((await gone).receipts).toContainEqual(expect.objectContaining({ seq: sent.data.seq, deleted: true }));
    expect(await server.relay.context.store.heldEntries()).toBe(0);
  });
});

import { MAX_RECEIPTS_PER_EVENT } from "@pigeon/protocol";
import { aliceMessage, CONTRACT_LIMITS, memoryStore } from "@pigeon/testing";
import { pino } from "pino";
import { expect, it } from "vitest";
import type { RelayServer } from "../context.js";
import { ReceiptScheduler } from "./receipts.js";

/** A socket.io server stand-in that keeps what would be emitted. */
function emittingNowhere(): RelayServer {
  const room = { emit: () => true };
  return { to: () => room } as unknown as RelayServer;
}

it("remembers counts only for what the room still holds, however long a member stays away", async () => {
  const store = memoryStore({ ...CONTRACT_LIMITS, maxRoomEntries: 10_000, maxRoomBytes: 100_000_000 });
  const receipts = new ReceiptScheduler(emittingNowhere(), store, 0, pino({ level: "silent" }));
  await store.addMember("lobby", "alice", 0);
  await store.addMember("lobby", "bob", 0);
  await store.addMember("lobby", "carol", 0);
  const sent = 3 * MAX_RECEIPTS_PER_EVENT;
  for (let seq = 1; seq <= sent; seq += 1) {
    await store.append("lobby", aliceMessage(`m${seq}`));
    for (const member of ["alice", "carol"]) {
      const result = await store.ack("lobby", member, seq, 0);
      if (result) receipts.touch("lobby", result.deleted, { after: result.from, through: result.acked });
    }
    await receipts.flushAll();
  }
  // Bob, away, is owed all of them (carol has each: a count of 1 of 2); receipts cover only the
  // newest, and remember no more.
  expect(await store.heldEntries()).toBe(sent);
  expect(receipts.rememberedCounts("lobby")).toBe(MAX_RECEIPTS_PER_EVENT);

  await store.removeMember("lobby", "bob");
  receipts.touch("lobby", []);
  await receipts.flushAll();
  expect(receipts.rememberedCounts("lobby")).toBe(0);
  receipts.stop();
});

it("tells each count that changed, reading only what acks moved over, and nothing of messages nobody has", async () => {
  const store = memoryStore({ ...CONTRACT_LIMITS, maxRoomEntries: 100, maxRoomBytes: 100_000 });
  const sent: unknown[] = [];
  const io = { to: () => ({ emit: (_event: string, payload: { receipts: unknown[] }) => sent.push(...payload.receipts) }) } as unknown as RelayServer;
  const receipts = new ReceiptScheduler(io, store, 0, pino({ level: "silent" }));
  const read: unknown[] = [];
  const deliveryState = store.deliveryState.bind(store);
  store.deliveryState = (room, limit, range) => {
    read.push(range);
    return deliveryState(room, limit, range);
  };
  for (const name of ["alice", "bob", "carol"]) await store.addMember("lobby", name, 0);
  for (let index = 1; index <= 4; index += 1) await store.append("lobby", aliceMessage(`m${index}`));
  const ack = async (name: string, seq: number) => {
    const result = await store.ack("lobby", name, seq, 0);
    if (result) receipts.touch("lobby", result.deleted, { after: result.from, through: result.acked });
    await receipts.flushAll();
  };
  await ack("alice", 4);
  expect(sent).toEqual([]);
  await ack("bob", 2);
  expect(sent.splice(0)).toEqual([
    { seq: 1, id: "m1", delivered: 1, total: 2, deleted: false },
    { seq: 2, id: "m2", delivered: 1, total: 2, deleted: false },
  ]);
  await ack("carol", 3);
  expect(sent.splice(0)).toEqual([
    { seq: 1, id: "m1", delivered: 2, total: 2, deleted: true },
    { seq: 2, id: "m2", delivered: 2, total: 2, deleted: true },
    { seq: 3, id: "m3", delivered: 1, total: 2, deleted: false },
  ]);
  expect(read).toEqual([{ after: 0, through: 4 }, { after: 0, through: 2 }, { after: 0, through: 3 }]);
  receipts.stop();
});

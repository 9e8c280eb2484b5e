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
  const sent = 3 * MAX_RECEIPTS_PER_EVENT;
  for (let seq = 1; seq <= sent; seq += 1) {
    await store.append("lobby", aliceMessage(`m${seq}`));
    const result = await store.ack("lobby", "alice", seq, 0);
    receipts.touch("lobby", result?.deleted);
    await receipts.flushAll();
  }
  // Bob, away, is owed all of them; receipts cover only the newest, and remember no more.
  expect(await store.heldEntries()).toBe(sent);
  expect(receipts.rememberedCounts("lobby")).toBe(MAX_RECEIPTS_PER_EVENT);

  await store.removeMember("lobby", "bob");
  receipts.touch("lobby", []);
  await receipts.flushAll();
  expect(receipts.rememberedCounts("lobby")).toBe(0);
  receipts.stop();
});

import { describe, expect, it, vi } from "vitest";
import { messageId } from "../delivery/message-id.js";
import { MEMORY_SENT_RECORD_BYTES, SentRecords } from "./memory-sent.js";

// Ids of both forms: 16 base64url characters (as messageId makes them) and any other.
const record = (index: number) => ({ seq: index, id: index % 2 === 0 ? `id${String(index).padStart(14, "0")}` : `id-${String(index)}`, sentAt: index });

describe("SentRecords", () => {
  it("keeps every record across growth of a ring whose oldest are gone", () => {
    const totals = { entries: 0, bytes: 0 };
    const sent = new SentRecords(10_000, totals);
    for (let index = 0; index < 1_500; index += 1) sent.add(`k${String(index)}`, record(index), Infinity);
    // The oldest 700 go, so the next records wrap around the ring before it grows, and again
    // after it grew, into the slots the first wrapped ones had.
    sent.forgetBefore(700);
    for (let index = 1_500; index < 5_000; index += 1) sent.add(`k${String(index)}`, record(index), Infinity);
    expect(sent.size).toBe(4_300);
    expect(sent.get("k699")).toBeUndefined();
    for (let index = 700; index < 5_000; index += 1) expect(sent.get(`k${String(index)}`)).toEqual(record(index));
    expect(totals.bytes).toBe(4_300 * MEMORY_SENT_RECORD_BYTES);
    sent.clear();
    expect([sent.size, totals.bytes]).toEqual([0, 0]);
  });

  // A map's oldest key (keys().next()) is found by walking past every entry deleted since the
  // map last compacted itself: one such walk per record dropped made dropping O(records) each,
  // and a sweep of half of 262,144 records took 15 s. The ring holds each slot's key instead.
  it("finds the oldest record without walking its map, however many it drops", () => {
    const sent = new SentRecords(1_000, { entries: 0, bytes: 0 });
    for (let index = 0; index < 1_000; index += 1) sent.add(`k${String(index)}`, record(index), Infinity);
    const walks = [vi.spyOn(Map.prototype, "keys"), vi.spyOn(Map.prototype, "entries"), vi.spyOn(Map.prototype, Symbol.iterator)];
    try {
      for (let index = 1_000; index < 3_000; index += 1) sent.add(`k${String(index)}`, record(index), Infinity);
      sent.forgetBefore(2_500);
      expect(walks.map((walk) => walk.mock.calls.length)).toEqual([0, 0, 0]);
    } finally {
      for (const walk of walks) walk.mockRestore();
    }
    expect(sent.size).toBe(500);
    expect(sent.get("k2499")).toBeUndefined();
    expect(sent.get("k2500")).toEqual(record(2_500));
  });

  it("forgets the oldest first past its count and past the bytes allowed, the new one last", () => {
    const totals = { entries: 0, bytes: 0 };
    const sent = new SentRecords(2, totals);
    for (const index of [1, 2, 3]) sent.add(`k${String(index)}`, record(index), Infinity);
    expect([sent.get("k1"), sent.get("k2"), sent.get("k3")]).toEqual([undefined, record(2), record(3)]);
    totals.bytes += 10_000;
    sent.add("k4", record(4), 10_000);
    expect(sent.size).toBe(0);
    expect(totals.bytes).toBe(10_000);
  });

  it("gives back ids of messageId's form, kept as bytes, and ids of any other form, as they were", () => {
    const sent = new SentRecords(5_000, { entries: 0, bytes: 0 });
    const ids = Array.from({ length: 3_000 }, (_, index) => (index % 3 === 0 ? `other-${String(index)}` : messageId()));
    for (const [index, id] of ids.entries()) sent.add(`k${String(index)}`, { seq: index, id, sentAt: 0 }, Infinity);
    expect(ids.map((_, index) => sent.get(`k${String(index)}`)?.id)).toEqual(ids);
  });
});

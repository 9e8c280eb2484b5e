import { describe, expect, it, vi } from "vitest";
import { messageId } from "../delivery/message-id.js";
import { MEMORY_SENT_RECORD_BYTES, SentRecords, type SentRecord } from "./memory-sent.js";

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

  // A map whose entries are deleted as fast as they come rebuilds its whole table each time the
  // deleted ones fill it: at 1,000,000 records a 60 MB copy that stalled the event loop for
  // 180-290 ms. The records live in typed arrays and an index that deletes in place instead.
  it("keeps its records in no map, so that no map's table is ever rebuilt under it", () => {
    const sent = new SentRecords(2_000, { entries: 0, bytes: 0 });
    const set = vi.spyOn(Map.prototype, "set");
    try {
      for (let index = 0; index < 5_000; index += 1) sent.add(`Yq3vS0b1alice\n${crypto.randomUUID()}`, { seq: index, id: messageId(), sentAt: index }, Infinity);
      expect(set).not.toHaveBeenCalled();
    } finally {
      set.mockRestore();
    }
    expect(sent.size).toBe(2_000);
  });

  // Against a plain model, through growth, wrap-around, evictions by count, bytes and time, and
  // replaced keys: the index's deletion moves entries back within their probe runs, and a
  // mistake there loses records that collide, which only many operations on few slots show.
  it("answers as a plain ordered map would, over many mixed operations", () => {
    let seed = 7;
    const random = (below: number) => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed % below;
    };
    const totals = { entries: 0, bytes: 0 };
    const sent = new SentRecords(3_000, totals);
    const model = new Map<string, SentRecord>();
    let now = 0;
    for (let step = 0; step < 60_000; step += 1) {
      const key = `k${String(random(6_000))}`;
      const action = random(100);
      if (action < 60) {
        now += 1;
        const record = { seq: step, id: step % 5 === 0 ? `other-${String(step)}` : messageId(), sentAt: now };
        const maxBytes = random(50) === 0 ? 1_000 * MEMORY_SENT_RECORD_BYTES : Infinity;
        sent.add(key, record, maxBytes);
        model.delete(key);
        model.set(key, record);
        while (model.size > 3_000 || model.size * MEMORY_SENT_RECORD_BYTES > maxBytes) model.delete(model.keys().next().value as string);
      } else if (action < 98) {
        expect(sent.get(key)).toEqual(model.get(key));
      } else {
        const cutoff = now - random(2_000);
        sent.forgetBefore(cutoff);
        for (const [old, record] of model) {
          if (record.sentAt >= cutoff) break;
          model.delete(old);
        }
      }
      expect(sent.size).toBe(model.size);
    }
    for (const [key, record] of model) expect(sent.get(key)).toEqual(record);
    expect(totals.bytes).toBe(model.size * MEMORY_SENT_RECORD_BYTES);
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
    // Sixteen characters, one of them not base64url's (last, first, or past code 127), or fifteen.
    const lookalikes = ["AAAAAAAAAAAAAAA+", "/AAAAAAAAAAAAAAA", "AAAAAAAAAAAAAA=A", "AAAAAAAAAAAAAAAé", "AAAAAAAAAAAAAA\u{1F600}", "AAAAAAAAAAAAAAA", "____------______"];
    const ids = Array.from({ length: 3_000 }, (_, index) => lookalikes[index % 10] ?? (index % 3 === 0 ? `other-${String(index)}` : messageId()));
    for (const [index, id] of ids.entries()) sent.add(`k${String(index)}`, { seq: index, id, sentAt: 0 }, Infinity);
    expect(ids.map((_, index) => sent.get(`k${String(index)}`)?.id)).toEqual(ids);
  });
});

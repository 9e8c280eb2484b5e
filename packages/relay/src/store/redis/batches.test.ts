import { describe, expect, it } from "vitest";
import { TurnBatches } from "./batches.js";

/** A batcher whose calls are recorded and answered with each item doubled, or failed on demand. */
function recorded(maxBatch = 3) {
  const calls: { room: string; items: readonly number[] }[] = [];
  let failNext: Error | undefined;
  let shortNext = false;
  const batches = new TurnBatches<number, number>((room, items) => {
    calls.push({ room, items });
    if (failNext !== undefined) {
      const error = failNext;
      failNext = undefined;
      return Promise.reject(error);
    }
    const replies = items.map((item) => item * 2);
    if (shortNext) {
      shortNext = false;
      return Promise.resolve(replies.slice(1));
    }
    return Promise.resolve(replies);
  }, maxBatch);
  return {
    batches,
    calls,
    fail: (error: Error) => {
      failNext = error;
    },
    answerShort: () => {
      shortNext = true;
    },
  };
}

describe("TurnBatches", () => {
  it("sends what one turn gathered for a room as one call, in order, and answers each its own reply", async () => {
    const { batches, calls } = recorded(10);
    const replies = Promise.all([batches.add("a", 1), batches.add("b", 7), batches.add("a", 2), batches.add("a", 3)]);
    expect(calls).toEqual([]);
    expect(await replies).toEqual([2, 14, 4, 6]);
    expect(calls).toEqual([
      { room: "a", items: [1, 2, 3] },
      { room: "b", items: [7] },
    ]);
  });

  it("starts a new batch in the next turn", async () => {
    const { batches, calls } = recorded(10);
    await batches.add("a", 1);
    await batches.add("a", 2);
    expect(calls.map(({ items }) => items)).toEqual([[1], [2]]);
  });

  it("splits a room's batch at its largest size, keeping the order", async () => {
    const { batches, calls } = recorded(2);
    expect(await Promise.all([1, 2, 3, 4, 5].map((item) => batches.add("a", item)))).toEqual([2, 4, 6, 8, 10]);
    expect(calls.map(({ items }) => items)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("fails every item of a call that failed, and only those", async () => {
    const { batches, fail } = recorded(2);
    fail(new Error("connection lost"));
    const results = await Promise.allSettled([1, 2, 3].map((item) => batches.add("a", item)));
    expect(results).toEqual([
      { status: "rejected", reason: new Error("connection lost") },
      { status: "rejected", reason: new Error("connection lost") },
      { status: "fulfilled", value: 6 },
    ]);
  });

  it("fails the items of a call answered with the wrong number of replies", async () => {
    const { batches, answerShort } = recorded(5);
    answerShort();
    const results = await Promise.allSettled([1, 2].map((item) => batches.add("a", item)));
    expect(results.map(({ status }) => status)).toEqual(["rejected", "rejected"]);
  });

  it("sends at once what is gathered when flushed, and resolves once it is answered", async () => {
    const { batches, calls } = recorded(5);
    const reply = batches.add("a", 4);
    await batches.flush();
    expect(calls).toEqual([{ room: "a", items: [4] }]);
    expect(await reply).toBe(8);
    await batches.flush();
    expect(calls).toHaveLength(1);
  });
});

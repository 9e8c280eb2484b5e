import { describe, expect, it } from "vitest";
import type { DeliveryOutput } from "../delivery.js";
import { RoomQueue, SLICE_MS, type QueueHost } from "./room-queue.js";

// Entries that only count: the queue hands each to the host as it is.
const duplicate = (seq: number): DeliveryOutput => ({ kind: "duplicate", room: "team", seq });

/** Holds the thread for `ms`, as decrypting with WebCrypto does (its promises resolve within the task). */
function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

/** A host's take that works for `takeFor` ms, then logs the entry's seq into `order`. */
function loggingTake(order: string[], takeFor = 0): QueueHost["take"] {
  return (output) => {
    busyFor(takeFor);
    order.push(`take ${output.kind === "duplicate" ? String(output.seq) : output.kind}`);
    return Promise.resolve();
  };
}

function host(take: QueueHost["take"], save: QueueHost["save"] = () => Promise.resolve()): QueueHost {
  return {
    take,
    save,
    stopped: () => false,
    closed: () => false,
    undecryptable: () => undefined,
    logger: { warn: () => undefined },
  };
}

/** A queue whose host logs each take (after `takeFor` ms of work) and each save into `order`. */
function logged(order: string[], limits: ConstructorParameters<typeof RoomQueue>[2], takeFor = 0): RoomQueue {
  const save = () => {
    order.push("save");
    return Promise.resolve();
  };
  return new RoomQueue("team", host(loggingTake(order, takeFor), save), limits);
}

describe("RoomQueue", () => {
  it("lets the host have its turn while it takes in a run of entries that never waits", async () => {
    const order: string[] = [];
    const queue = new RoomQueue("team", host(loggingTake(order, SLICE_MS)));
    // Another task of the page (a render, a key press), due before the backlog arrived.
    setImmediate(() => order.push("the host's turn"));
    for (const seq of [1, 2, 3]) queue.output(duplicate(seq));
    await queue.idle();
    // Each entry held the thread for a whole slice, so the queue yields after each.
    expect(order).toEqual(["take 1", "the host's turn", "take 2", "take 3"]);
  });

  it("saves after at most maxBatch entries, and when it runs out of entries", async () => {
    const order: string[] = [];
    const queue = logged(order, { maxBatch: 2, batchMs: 60_000 });
    for (const seq of [1, 2, 3, 4, 5]) queue.output(duplicate(seq));
    await queue.idle();
    expect(order).toEqual(["take 1", "take 2", "save", "take 3", "take 4", "save", "take 5", "save"]);
  });

  it("saves a batch that has run batchMs, however few entries it has", async () => {
    const order: string[] = [];
    const queue = logged(order, { maxBatch: 100, batchMs: 5 }, 5);
    for (const seq of [1, 2, 3]) queue.output(duplicate(seq));
    await queue.idle();
    expect(order).toEqual(["take 1", "save", "take 2", "save", "take 3", "save"]);
  });
});

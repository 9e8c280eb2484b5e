import { afterEach, describe, expect, it, vi } from "vitest";
import type { DeliveryOutput } from "../delivery.js";
import { MAX_SAVE_RETRY_MS, RoomQueue, SAVE_RETRY_MS, SLICE_MS, type QueueHost } from "./room-queue.js";

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
    saving: () => undefined,
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

  describe("when saves fail", () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    /** A queue whose saves fail until `saves.failing` is false; `order` logs effects, acks and saves. */
    function failing(order: string[]) {
      const saves = { failing: true, tries: 0 };
      const save = () => {
        saves.tries += 1;
        order.push(saves.failing ? "save failed" : "saved");
        return saves.failing ? Promise.reject(Object.assign(new Error("full"), { code: "ENOSPC" })) : Promise.resolve();
      };
      const warnings: unknown[] = [];
      const queue = new RoomQueue("team", {
        ...host(loggingTake(order), save),
        saving: (saved, code) => order.push(saved ? "saving again" : `cannot save (${String(code)})`),
        logger: { warn: (message, code) => warnings.push(code ?? message) },
      });
      const take = (seq: number) => {
        queue.output(duplicate(seq));
        queue.effect(() => order.push(`show ${String(seq)}`));
        queue.ack(() => order.push(`ack ${String(seq)}`));
      };
      return { queue, saves, warnings, take };
    }

    it("shows what it took in, and acks it only after a save that succeeds, earlier acks first", async () => {
      const order: string[] = [];
      const { queue, saves, warnings, take } = failing(order);
      take(1);
      await queue.idle();
      expect(order).toEqual(["take 1", "save failed", "cannot save (ENOSPC)", "show 1"]);
      order.length = 0;
      take(2);
      await queue.idle();
      expect(order).toEqual(["take 2", "save failed", "show 2"]);
      // One warning while saves fail, and one when they work again.
      expect(warnings).toEqual(["ENOSPC"]);
      saves.failing = false;
      order.length = 0;
      take(3);
      await queue.idle();
      expect(order).toEqual(["take 3", "saved", "saving again", "ack 1", "ack 2", "show 3", "ack 3"]);
      expect(warnings).toEqual(["ENOSPC", "pigeon: saved the group state of team again"]);
    });

    it("tries the save again by itself, waiting twice as long each time up to a limit", async () => {
      vi.useFakeTimers();
      const order: string[] = [];
      const { queue, saves, take } = failing(order);
      take(1);
      await queue.idle();
      const waits: number[] = [];
      let wait = SAVE_RETRY_MS;
      for (let retry = 1; retry <= 7; retry += 1) {
        await vi.advanceTimersByTimeAsync(wait - 1);
        expect(saves.tries).toBe(retry);
        await vi.advanceTimersByTimeAsync(1);
        await queue.idle();
        expect(saves.tries).toBe(retry + 1);
        waits.push(wait);
        wait = Math.min(wait * 2, MAX_SAVE_RETRY_MS);
      }
      expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
      expect(order).not.toContain("ack 1");
      saves.failing = false;
      await vi.advanceTimersByTimeAsync(MAX_SAVE_RETRY_MS);
      await queue.idle();
      expect(order.slice(-3)).toEqual(["saved", "saving again", "ack 1"]);
      // Nothing is withheld any more: no retry is left running.
      expect(vi.getTimerCount()).toBe(0);
    });
  });
});

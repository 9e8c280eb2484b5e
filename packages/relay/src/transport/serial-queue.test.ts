import { gate } from "@pigeon/testing";
import { describe, expect, it } from "vitest";
import { inOrder, stepInOrder } from "../handlers/order.js";
import { SerialQueue } from "./serial-queue.js";

/** Lets every pending promise job and timer of this turn run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("SerialQueue", () => {
  it("runs tasks one at a time in order, even when each awaits", async () => {
    const queue = new SerialQueue(10, () => {});
    const log: string[] = [];
    for (const name of ["a", "b", "c"]) {
      queue.push(async () => {
        log.push(`${name} start`);
        await new Promise((resolve) => setTimeout(resolve, 1));
        log.push(`${name} end`);
      });
    }
    await queue.drain();
    expect(log).toEqual(["a start", "a end", "b start", "b end", "c start", "c end"]);
  });

  it("refuses past its bound but always takes cleanup, and keeps going after a failure", async () => {
    const errors: unknown[] = [];
    const queue = new SerialQueue(2, (error) => errors.push(error));
    let release = () => {};
    const blocked = new Promise<void>((resolve) => (release = resolve));
    expect(queue.push(() => blocked)).toBe(true);
    expect(queue.push(() => Promise.reject(new Error("boom")))).toBe(true);
    expect(queue.push(() => Promise.resolve())).toBe(false);
    let cleaned = false;
    queue.pushAlways(() => {
      cleaned = true;
      return Promise.resolve();
    });
    release();
    await queue.drain();
    expect(cleaned).toBe(true);
    expect(errors).toEqual([new Error("boom")]);
    expect(queue.push(() => Promise.resolve())).toBe(true);
  });

  it("starts a task in the caller's turn when idle, and later ones only after it", async () => {
    const queue = new SerialQueue(10, () => {});
    const log: string[] = [];
    let release = () => {};
    queue.push(async () => {
      log.push("a start");
      await new Promise<void>((resolve) => (release = resolve));
      log.push("a end");
    });
    queue.push(() => {
      log.push("b");
      return Promise.resolve();
    });
    expect(log).toEqual(["a start"]);
    release();
    await queue.drain();
    expect(log).toEqual(["a start", "a end", "b"]);
    await expect(queue.drain()).resolves.toBeUndefined();
  });

  it("starts overlapping tasks at once, but each takes its ordered steps after the one before", async () => {
    const queue = new SerialQueue(10, () => {});
    const log: string[] = [];
    const checks = [gate(), gate(), gate()];
    // Each message: a check that may finish in any order (a rate limit), then two ordered steps.
    checks.forEach((check, index) => {
      queue.push(async (order) => {
        log.push(`${index} start`);
        await check.promise;
        await stepInOrder(order, 1, () => {
          log.push(`${index} store`);
        });
        await stepInOrder(order, 2, () => {
          log.push(`${index} broadcast`);
        });
      }, true);
    });
    expect(log).toEqual(["0 start", "1 start", "2 start"]);
    checks[2]?.open();
    checks[1]?.open();
    await settle();
    expect(log).toEqual(["0 start", "1 start", "2 start"]);
    checks[0]?.open();
    await queue.drain();
    // Each step in arrival order; a task's next step may interleave with the one before's.
    expect(log.filter((line) => line.endsWith("store"))).toEqual(["0 store", "1 store", "2 store"]);
    expect(log.filter((line) => line.endsWith("broadcast"))).toEqual(["0 broadcast", "1 broadcast", "2 broadcast"]);
    for (const index of [0, 1, 2]) expect(log.indexOf(`${index} store`)).toBeLessThan(log.indexOf(`${index} broadcast`));
  });

  it("lets the next overlapping task take a step as soon as this one has taken it, before this one ends", async () => {
    const queue = new SerialQueue(10, () => {});
    const log: string[] = [];
    const stored = gate();
    queue.push(async (order) => {
      // A store write is issued in order; its reply comes later.
      await inOrder(order, 1, async () => {
        log.push("a issued");
        await stored.promise;
        log.push("a replied");
      });
    }, true);
    queue.push(async (order) => {
      await stepInOrder(order, 1, () => {
        log.push("b issued");
      });
    }, true);
    await settle();
    expect(log).toEqual(["a issued", "b issued"]);
    stored.open();
    await queue.drain();
    expect(log).toEqual(["a issued", "b issued", "a replied"]);
  });

  it("passes a failed or refused task's steps, so the ones after it go on", async () => {
    const errors: unknown[] = [];
    const queue = new SerialQueue(10, (error) => errors.push(error));
    const log: string[] = [];
    const refused = gate();
    queue.push(async () => {
      await refused.promise;
      throw new Error("rate limited");
    }, true);
    queue.push(async (order) => {
      await stepInOrder(order, 1, () => {
        log.push("b store");
      });
    }, true);
    await settle();
    expect(log).toEqual([]);
    refused.open();
    await queue.drain();
    expect(log).toEqual(["b store"]);
    expect(errors).toEqual([new Error("rate limited")]);
  });

  it("runs a task that overlaps nothing after every task before it, and the tasks after it after it", async () => {
    const queue = new SerialQueue(10, () => {});
    const log: string[] = [];
    const first = gate();
    const leave = gate();
    queue.push(async () => {
      log.push("chat 1 start");
      await first.promise;
      log.push("chat 1 end");
    }, true);
    queue.push(async () => {
      log.push("leave start");
      await leave.promise;
      log.push("leave end");
    });
    queue.push(() => {
      log.push("chat 2");
      return Promise.resolve();
    }, true);
    await settle();
    expect(log).toEqual(["chat 1 start"]);
    first.open();
    await settle();
    expect(log).toEqual(["chat 1 start", "chat 1 end", "leave start"]);
    leave.open();
    await queue.drain();
    expect(log).toEqual(["chat 1 start", "chat 1 end", "leave start", "leave end", "chat 2"]);
  });

  it("counts running overlapping tasks against its bound", async () => {
    const queue = new SerialQueue(2, () => {});
    const held = gate();
    expect(queue.push(() => held.promise, true)).toBe(true);
    expect(queue.push(() => held.promise, true)).toBe(true);
    expect(queue.push(() => Promise.resolve(), true)).toBe(false);
    held.open();
    await queue.drain();
    expect(queue.push(() => Promise.resolve(), true)).toBe(true);
  });
});

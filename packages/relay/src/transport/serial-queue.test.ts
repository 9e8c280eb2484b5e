import { describe, expect, it } from "vitest";
import { SerialQueue } from "./serial-queue.js";

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
});

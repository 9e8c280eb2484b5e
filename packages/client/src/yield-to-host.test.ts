import { afterEach, describe, expect, it, vi } from "vitest";
import { yieldToHost } from "./yield-to-host.js";

/** What ran, in order, when `yieldToHost()` resolved: work queued behind it in this task, or not. */
async function order(): Promise<string[]> {
  const seen: string[] = [];
  const yielded = yieldToHost().then(() => seen.push("yielded"));
  // Microtasks queued after the call still run first: the way back is a later task.
  void Promise.resolve().then(() => seen.push("microtask"));
  await yielded;
  return seen;
}

describe("yieldToHost", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("uses scheduler.yield() where the host has it", async () => {
    const schedulerYield = vi.fn(() => Promise.resolve());
    vi.stubGlobal("scheduler", { yield: schedulerYield });
    await yieldToHost();
    expect(schedulerYield).toHaveBeenCalledOnce();
  });

  it("comes back in a later task through setImmediate (Node)", async () => {
    expect(await order()).toEqual(["microtask", "yielded"]);
  });

  it("comes back in a later task through a MessageChannel where there is neither", async () => {
    vi.stubGlobal("setImmediate", undefined);
    expect(await order()).toEqual(["microtask", "yielded"]);
  });
});

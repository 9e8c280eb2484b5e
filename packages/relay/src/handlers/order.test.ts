import { describe, expect, it } from "vitest";
import { Order } from "./order.js";

/** Lets every pending promise job and timer of this turn run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("Order", () => {
  it("lets a step run at once without a task before it, and waits for the one before otherwise", async () => {
    const first = new Order();
    const second = new Order(first);
    expect(first.ready(1)).toBe(true);
    expect(second.ready(1)).toBe(false);
    let reached = false;
    const waiting = second.until(2).then(() => (reached = true));
    first.pass(1);
    expect(second.ready(1)).toBe(true);
    await settle();
    expect(reached).toBe(false);
    first.finish();
    await waiting;
    expect(second.ready(Number.MAX_SAFE_INTEGER)).toBe(true);
  });
});

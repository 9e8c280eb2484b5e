import { describe, expect, it } from "vitest";
import { TypedEmitter } from "./typed-emitter.js";

class Ticker extends TypedEmitter<{ tick: number; done: string }> {
  fire(n: number): void {
    this.emit("tick", n);
  }
}

describe("TypedEmitter", () => {
  it("calls listeners in order, once-listeners only once, and stops after removal", () => {
    const ticker = new Ticker();
    const calls: string[] = [];
    const stop = ticker.on("tick", (n) => calls.push(`on ${n}`));
    ticker.once("tick", (n) => calls.push(`once ${n}`));
    ticker.fire(1);
    ticker.fire(2);
    stop();
    ticker.fire(3);
    expect(calls).toEqual(["on 1", "once 1", "on 2"]);
  });

  it("reports a throwing listener and still calls the others", () => {
    const errors: string[] = [];
    const ticker = new (class extends TypedEmitter<{ tick: number }> {
      fire(): void {
        this.emit("tick", 1);
      }
    })((event, error) => errors.push(`${event}: ${String(error)}`));
    const calls: number[] = [];
    ticker.on("tick", () => {
      throw new Error("boom");
    });
    ticker.on("tick", (n) => calls.push(n));
    ticker.fire();
    expect(calls).toEqual([1]);
    expect(errors).toEqual(["tick: Error: boom"]);
  });
});

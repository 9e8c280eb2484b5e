import { RateLimiterRes } from "rate-limiter-flexible";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TimerlessRateLimiterMemory } from "./timerless-memory.js";

describe("TimerlessRateLimiterMemory", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("counts points per key within the window, refuses past them, and starts afresh after it", async () => {
    const limiter = new TimerlessRateLimiterMemory({ keyPrefix: "t", points: 2, duration: 60 });
    await limiter.consume("a");
    await limiter.consume("b");
    const second = await limiter.consume("a");
    expect(second).toMatchObject({ consumedPoints: 2, remainingPoints: 0, msBeforeNext: 60_000 });
    vi.setSystemTime(1_000_000 + 59_000);
    const refused: unknown = await limiter.consume("a").catch((rejection: unknown) => rejection);
    expect(refused).toBeInstanceOf(RateLimiterRes);
    expect(refused).toMatchObject({ consumedPoints: 3, msBeforeNext: 1_000 });
    vi.setSystemTime(1_000_000 + 60_000);
    expect(await limiter.get("a")).toBeNull();
    expect(await limiter.consume("a")).toMatchObject({ consumedPoints: 1, msBeforeNext: 60_000 });
  });

  it("arms no timer per key, and a later write drops the keys that expired", async () => {
    const limiter = new TimerlessRateLimiterMemory({ keyPrefix: "t", points: 5, duration: 1 });
    for (const key of ["a", "b", "c"]) await limiter.consume(key);
    expect(vi.getTimerCount()).toBe(0);
    expect(limiter.dump().storage).toHaveLength(3);
    vi.setSystemTime(1_000_000 + 11_000);
    await limiter.consume("d");
    expect(limiter.dump().storage.map(({ key }) => key)).toEqual(["d"]);
  });

  it("blocks a key for the given time, and penalises and rewards it", async () => {
    const limiter = new TimerlessRateLimiterMemory({ keyPrefix: "t", points: 10, duration: 60 });
    await limiter.block("a", 5);
    expect(await limiter.get("a")).toMatchObject({ consumedPoints: 11, msBeforeNext: 5_000 });
    vi.setSystemTime(1_000_000 + 5_000);
    expect(await limiter.get("a")).toBeNull();
    expect(await limiter.penalty("b", 3)).toMatchObject({ consumedPoints: 3 });
    expect(await limiter.reward("b", 1)).toMatchObject({ consumedPoints: 2 });
    expect(await limiter.delete("b")).toBe(true);
    expect(await limiter.get("b")).toBeNull();
  });

  it("consumes in the caller's turn with consumeNow, answering as consume does, on the same counts", async () => {
    const limiter = new TimerlessRateLimiterMemory({ keyPrefix: "t", points: 2, duration: 60 });
    expect(limiter.consumeNow("a")).toBeUndefined();
    await limiter.consume("a");
    vi.setSystemTime(1_000_000 + 59_000);
    const refused = limiter.consumeNow("a");
    expect(refused).toBeInstanceOf(RateLimiterRes);
    expect(refused).toMatchObject({ consumedPoints: 3, remainingPoints: 0, msBeforeNext: 1_000 });
    await expect(limiter.consume("a")).rejects.toMatchObject({ consumedPoints: 4 });
    vi.setSystemTime(1_000_000 + 60_000);
    expect(limiter.consumeNow("a")).toBeUndefined();
    expect(await limiter.get("a")).toMatchObject({ consumedPoints: 1, msBeforeNext: 60_000 });
  });

  it("keeps each key as given, in storage of its own: limiters with other prefixes share no count", async () => {
    const messages = new TimerlessRateLimiterMemory({ keyPrefix: "messages", points: 1, duration: 60 });
    const logins = new TimerlessRateLimiterMemory({ keyPrefix: "logins", points: 1, duration: 60 });
    expect(messages.getKey("alice")).toBe("alice");
    expect(messages.consumeNow("alice")).toBeUndefined();
    expect(logins.consumeNow("alice")).toBeUndefined();
    expect(messages.consumeNow("alice")).toMatchObject({ consumedPoints: 2, msBeforeNext: 60_000 });
    expect(await logins.get("alice")).toMatchObject({ consumedPoints: 1 });
    expect(messages.dump().storage.map(({ key }) => key)).toEqual(["alice"]);
  });

  it("refuses a first check that asks for more points than the limit", () => {
    const limiter = new TimerlessRateLimiterMemory({ keyPrefix: "t", points: 2, duration: 60 });
    expect(limiter.consumeNow("a", 3)).toMatchObject({ consumedPoints: 3, msBeforeNext: 60_000, isFirstInDuration: true });
    expect(limiter.consumeNow("b", 2)).toBeUndefined();
  });

  it("refuses options consumeNow would ignore", () => {
    expect(() => new TimerlessRateLimiterMemory({ points: 2, duration: 60, blockDuration: 10 })).toThrow(RangeError);
    expect(() => new TimerlessRateLimiterMemory({ points: 2, duration: 60, execEvenly: true })).toThrow(RangeError);
  });
});

// On the Redis store, one turn's message checks for one identity go to Redis as one consume:
// counted on a redis-server of the test's own, where no other test's commands land.
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithRedisBinaries, scriptCalls, startRedisServer, type RedisServerProcess } from "@pigeon/testing";
import { RelayConfig } from "../config.js";
import { RelayError } from "../errors.js";
import { nameKey } from "../store/relay-store.js";
import { RelayLimits } from "./limits.js";

describeWithRedisBinaries("the message limit on Redis", () => {
  let server: RedisServerProcess;
  let admin: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    admin = new Redis(server.url);
  });
  afterAll(async () => {
    admin.disconnect();
    await server.stop();
  });

  /** Script calls the test's Redis has run: rate-limiter-flexible's consume is one. */
  const calls = () => scriptCalls(admin);

  /**
   * Limits on the test's Redis allowing `perMinute` messages, with what they log, once their
   * checks reach Redis: until their connection is up they count in memory (the outage fallback).
   */
  const limitsOf = async (redisPrefix: string, perMinute: number) => {
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
    const config = RelayConfig.parse({ store: "redis", redisUrl: server.url, redisPrefix, messagesPerMinute: perMinute });
    const limits = RelayLimits.open(config, logger);
    for (let attempt = 0; ; attempt += 1) {
      const before = await calls();
      await limits.message({ address: "10.7.0.9", name: `warm-up-${String(attempt)}`, event: "chat" });
      if ((await calls()) > before) return { limits, lines };
      if (attempt === 100) throw new Error("the limits never reached Redis");
      await sleep(20);
    }
  };

  /** Each check's outcome, in order: "ok", or the refusal's code. */
  const outcomes = (checks: readonly Promise<void>[]) =>
    Promise.all(checks.map((check) => check.then(
      () => "ok",
      (error: unknown) => (error instanceof RelayError ? error.code : "thrown"),
    )));

  it("goes to Redis once for one identity's checks of a turn, refusing as many as checks one by one would", async () => {
    const { limits, lines } = await limitsOf("batched-limit", 60);
    try {
      const before = await calls();
      const checks = Array.from({ length: 100 }, () => limits.message({ address: "10.7.0.1", name: "Chatty", event: "chat" }));
      const codes = await outcomes(checks);
      expect(await calls()).toBe(before + 1);
      // The first sixty pass, in the order they came; the rest are refused, with when to retry.
      expect(codes).toEqual([...Array<string>(60).fill("ok"), ...Array<string>(40).fill("RATE_LIMITED")]);
      const refusal = await checks[99]?.catch((error: unknown) => error);
      expect(refusal).toMatchObject({ retryAfterMs: expect.any(Number) as number });
      // The counter ends where a hundred single consumes would leave it, under the name's key.
      expect(await admin.get(`batched-limit:limit:messages:${nameKey("Chatty")}`)).toBe("100");
      // One refusal is logged for the window, not forty.
      expect(lines.filter((line) => line.includes('"rate limited"'))).toHaveLength(1);
    } finally {
      await limits.close();
    }
  });

  it("counts two identities' checks of one turn apart, and refuses everything while a name is over", async () => {
    const { limits } = await limitsOf("batched-names", 3);
    try {
      const check = (name: string) => limits.message({ address: "10.7.0.2", name, event: "chat" });
      const before = await calls();
      const first = outcomes([check("ann"), check("bob"), check("ann"), check("ann"), check("bob"), check("ann")]);
      expect(await first).toEqual(["ok", "ok", "ok", "ok", "ok", "RATE_LIMITED"]);
      expect(await calls()).toBe(before + 2);
      // Over its limit, a name is refused from the node's memory until its window ends: no call.
      expect(await outcomes([check("ann"), check("ann")])).toEqual(["RATE_LIMITED", "RATE_LIMITED"]);
      expect(await outcomes([check("bob")])).toEqual(["ok"]);
      expect(await calls()).toBe(before + 3);
    } finally {
      await limits.close();
    }
  });

  it("sends the checks it has gathered to Redis before it closes", async () => {
    const { limits } = await limitsOf("batched-close", 10);
    const before = await calls();
    const pending = limits.message({ address: "10.7.0.3", name: "late", event: "chat" });
    await limits.close();
    await expect(pending).resolves.toBeUndefined();
    // Counted in Redis, not in the node's memory once the connection had gone.
    expect(await calls()).toBe(before + 1);
  });
});

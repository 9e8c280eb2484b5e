import { pino } from "pino";
import { expect, it, onTestFinished } from "vitest";
import { describeWithRedisBinaries, startRedisServer } from "@pigeon/testing";
import { RelayConfig } from "../config.js";
import { createStore } from "./create-store.js";
import { RedisStore } from "./redis-store.js";

// A Redis that evicts keys when full drops parts of rooms without a word (a log but not its
// cursors, a member but not its name hold): the README says to use noeviction, and the relay
// says so too when it finds another policy.

describeWithRedisBinaries("the Redis store's eviction policy", () => {
  async function storeOn(policy: string) {
    const redis = await startRedisServer({ args: ["--maxmemory-policy", policy] });
    const warnings: { msg: string; maxmemoryPolicy?: string }[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => warnings.push(JSON.parse(line) as { msg: string }) });
    const store = await createStore(RelayConfig.parse({ store: "redis", redisUrl: redis.url, redisPrefix: "eviction" }), logger);
    onTestFinished(async () => {
      await store.close();
      await redis.stop();
    });
    if (!(store instanceof RedisStore)) throw new Error("expected the Redis store");
    // Its check went first on the same connection: answered, and acted on, before this.
    expect(await store.evictionPolicy()).toBe(policy);
    return warnings;
  }

  it("warns once connected when Redis may evict keys", async () => {
    const warnings = await storeOn("allkeys-lru");
    expect(warnings).toEqual([expect.objectContaining({ maxmemoryPolicy: "allkeys-lru", msg: expect.stringContaining("set maxmemory-policy noeviction") })]);
  });

  it("says nothing with noeviction", async () => {
    expect(await storeOn("noeviction")).toEqual([]);
  });
});

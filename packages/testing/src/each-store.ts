import { describe, it } from "vitest";
import { redisUrlForTests, TEST_REDIS_URL } from "./test-redis.js";

/** The stores every delivery test runs against. */
export const STORES = ["memory", "redis"] as const;
/** One of {@link STORES}. */
export type StoreKind = (typeof STORES)[number];

// Throws under CI=true when Redis is missing, so the redis runs can never quietly vanish there.
const redisUrl = await redisUrlForTests();

/**
 * Runs a suite once per store, titled `title (memory store)` and `title (redis store)`.
 * Without Redis the redis run is skipped with the reason in its title and a printed warning;
 * with `CI=true` a missing Redis fails instead.
 *
 * @example
 * describeEachStore("store-and-forward delivery", (store) => {
 *   const server = useRelayPerTest({ store });
 * });
 */
export function describeEachStore(title: string, suite: (store: StoreKind) => void): void {
  for (const store of STORES) {
    const name = `${title} (${store} store)`;
    if (store === "redis" && redisUrl === undefined) {
      console.warn(`skipping "${name}": no Redis at ${TEST_REDIS_URL}`);
      describe.skip(`${name} (skipped: no Redis at ${TEST_REDIS_URL}; with CI=true this fails instead)`, () => {
        it.skip("needs a reachable Redis", () => undefined);
      });
      continue;
    }
    describe(name, () => {
      suite(store);
    });
  }
}

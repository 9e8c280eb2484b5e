import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { startTestServer, type TestServer } from "@pigeon/server/testing";
import { afterEach, beforeEach, describe, it } from "vitest";

/** The stores every delivery test runs against. */
export const STORES = ["memory", "redis"] as const;
/** One of {@link STORES}. */
export type StoreKind = (typeof STORES)[number];

const REDIS_PORT = 6379;
const PROBE_TIMEOUT_MS = 1_000;

/** Whether something accepts TCP connections on 127.0.0.1:6379. */
export function redisReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(REDIS_PORT, "127.0.0.1");
    const done = (reachable: boolean): void => {
      socket.destroy();
      resolve(reachable);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => {
      done(false);
    });
    socket.once("connect", () => {
      done(true);
    });
    socket.once("error", () => {
      done(false);
    });
  });
}

/**
 * A real relay on `store` per test, closed after it. Each Redis-backed relay gets a key
 * prefix of its own, so tests never see each other's names, rooms or logs.
 */
export function useStoreServer(store: StoreKind): () => TestServer {
  let server: TestServer | undefined;
  beforeEach(async () => {
    const config = store === "redis" ? { store, redisPrefix: `e2e-${randomBytes(6).toString("hex")}` } : { store };
    server = await startTestServer(config);
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  return () => {
    if (!server) throw new Error("no server: call inside a test");
    return server;
  };
}

const redisUp = await redisReachable();

/**
 * Runs a suite once per store. Without Redis on 127.0.0.1:6379 the redis run is skipped with
 * a printed reason, except in CI (`CI=true`), where it fails: there Redis must be running.
 */
export function describeEachStore(title: string, suite: (store: StoreKind) => void): void {
  for (const store of STORES) {
    const name = `${title} (${store} store)`;
    if (store === "redis" && !redisUp) {
      if (process.env.CI === "true") {
        describe(name, () => {
          it("needs Redis on 127.0.0.1:6379", () => {
            throw new Error("Redis is not reachable on 127.0.0.1:6379, and CI must run these tests against it");
          });
        });
      } else {
        console.warn(`skipping "${name}": nothing listens on 127.0.0.1:6379`);
        describe.skip(name, () => {
          suite(store);
        });
      }
      continue;
    }
    describe(name, () => {
      suite(store);
    });
  }
}

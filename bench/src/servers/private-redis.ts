import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { freePort } from "./process.js";

const READY_TIMEOUT_MS = 20_000;
const POLL_MS = 50;

/** A redis-server of the harness's own: nothing else sends it commands, so its counters are ours. */
export interface PrivateRedis {
  readonly url: string;
  readonly pid: number;
  /** Kills it and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` on a free port of 127.0.0.1 with no persistence, in a temporary
 * directory, and waits until it answers PING. The shared Redis (6379) serves other work on this
 * machine too, whose commands, bytes and CPU would land in the costs; this one serves only the
 * run. Undefined when no `redis-server` can be started here.
 *
 * @example
 * const redis = await startPrivateRedis();
 * try { await measure(redis.url, redis.pid); } finally { await redis?.stop(); }
 */
export async function startPrivateRedis(): Promise<PrivateRedis | undefined> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "pigeon-bench-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction"];
  let child: ChildProcess;
  try {
    child = spawn("redis-server", args, { stdio: "ignore" });
    const started = await Promise.race([once(child, "spawn").then(() => true), once(child, "error").then(() => false)]);
    if (!started || child.pid === undefined) throw new Error("redis-server did not start");
    await untilPing(port);
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  const pid = child.pid;
  process.once("exit", () => child.kill("SIGKILL"));
  return {
    url: `redis://127.0.0.1:${String(port)}`,
    pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, "exit");
        child.kill("SIGKILL");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function untilPing(port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const redis = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    redis.on("error", () => undefined);
    try {
      await redis.connect();
      await redis.ping();
      return;
    } catch {
      // not up yet
    } finally {
      redis.disconnect();
    }
    if (Date.now() > deadline) throw new Error(`redis-server on port ${String(port)} not ready`);
    await sleep(POLL_MS);
  }
}

// redis-server processes of a test's own, for tests that break Redis (outages) or need a Cluster;
// never the shared Redis. Each process is killed by `stop()` (call it in afterAll), and any
// still running when the test process exits is killed then.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";

const STARTUP_TIMEOUT_MS = 20_000;
const CLUSTER_CREATE_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 25;
const OUTPUT_KEPT_CHARS = 4_000;
const PORT_ATTEMPTS = 3;

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** What to start. */
export interface RedisServerOptions {
  /** Default: a free port. */
  readonly port?: number;
  /** Extra arguments, or a function of the port that returns them. */
  readonly args?: readonly string[] | ((port: number) => readonly string[]);
  /**
   * Append-only file in the server's own directory, fsynced before every reply, so that
   * `restart()` after `kill()` finds every write the test saw acknowledged.
   */
  readonly persist?: boolean;
}

/** A running redis-server of a test's own. */
export interface RedisServerProcess {
  readonly url: string;
  readonly port: number;
  /** SIGKILL, like a crash; the server stays down until `restart()`. */
  kill(): Promise<void>;
  /** SIGSTOP: connections stay open but nothing answers, like a hung server or a lost network. */
  pause(): void;
  /** SIGCONT after `pause()`. */
  resume(): void;
  /** Starts it again on the same port and directory (killing it first if it runs). */
  restart(): Promise<void>;
  /** Kills it for good and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Starts `redis-server --port N --save "" --appendonly no` (or `yes` with `--appendfsync always`, with `persist`) in a
 * temporary directory and waits until it answers PING.
 *
 * @example
 * const server = await startRedisServer({ persist: true });
 * afterAll(() => server.stop());
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerProcess> {
  if (options.port !== undefined) return startOn(options.port, options);
  // A port found free may be taken before the server binds it (or its cluster bus port may be).
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOn(await freePort(), options);
    } catch (error) {
      if (attempt === PORT_ATTEMPTS) throw error;
    }
  }
}

async function startOn(port: number, options: RedisServerOptions): Promise<RedisServerProcess> {
  const dir = await mkdtemp(join(tmpdir(), "pigeon-redis-"));
  const extra = typeof options.args === "function" ? options.args(port) : (options.args ?? []);
  // With the default `appendfsync everysec`, Redis may postpone writing the AOF while a background
  // fsync runs and still answer clients, so a SIGKILL can lose writes a test saw acknowledged.
  const persistence = ["--save", "", ...(options.persist ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"])];
  const args = ["--port", `${port}`, "--bind", "127.0.0.1", "--dir", dir, ...persistence, ...extra];
  let child: ChildProcess;
  try {
    child = await spawnReady(args, port);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: () => killProcess(child),
    pause: () => child.kill("SIGSTOP"),
    resume: () => child.kill("SIGCONT"),
    async restart() {
      await killProcess(child);
      child = await spawnReady(args, port);
    },
    async stop() {
      await killProcess(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A Redis Cluster of a test's own. */
export interface RedisClusterProcesses {
  /** The URL of one node, as `RedisStore.connect({ cluster: true })` takes it. */
  readonly url: string;
  readonly nodes: readonly RedisServerProcess[];
  stop(): Promise<void>;
}

/**
 * Starts `shards` cluster-enabled servers, joins them with `redis-cli --cluster create` (no
 * replicas), and waits until every node reports `cluster_state:ok`.
 *
 * @example
 * const cluster = await startRedisCluster();
 * afterAll(() => cluster.stop());
 */
export async function startRedisCluster(shards = 3): Promise<RedisClusterProcesses> {
  const nodes: RedisServerProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    for (let index = 0; index < shards; index += 1) {
      const args = (port: number) => ["--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`];
      nodes.push(await startRedisServer({ args }));
    }
    const addresses = nodes.map(({ port }) => `127.0.0.1:${port}`);
    // Forming the cluster takes a few seconds, more on a machine busy with other tests.
    await promisify(execFile)("redis-cli", ["--cluster", "create", ...addresses, "--cluster-replicas", "0", "--cluster-yes"], {
      timeout: CLUSTER_CREATE_TIMEOUT_MS,
    });
    await Promise.all(nodes.map(({ port }) => waitFor(port, async (redis) => /cluster_state:ok/.test(await redis.cluster("INFO")))));
  } catch (error) {
    await stop();
    throw error;
  }
  const [first] = nodes;
  if (first === undefined) throw new RangeError("a cluster needs at least one shard");
  return { url: first.url, nodes, stop };
}

async function spawnReady(args: string[], port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_KEPT_CHARS));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.once("exit", () => running.delete(child));
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`redis-server on port ${port} exited (${String(code)}) before answering:\n${output}`);
  });
  try {
    await Promise.race([exited, waitFor(port, async (redis) => Boolean(await redis.ping()))]);
  } catch (error) {
    await killProcess(child);
    throw error;
  } finally {
    exited.catch(() => undefined);
  }
  return child;
}

/** Polls `ready` on a fresh connection to `port` until it says yes, for at most STARTUP_TIMEOUT_MS. */
async function waitFor(port: number, ready: (redis: Redis) => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    const redis = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    redis.on("error", () => undefined);
    try {
      await redis.connect();
      if (await ready(redis)) return;
    } catch {
      // Not up yet.
    } finally {
      redis.disconnect();
    }
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} not ready after ${STARTUP_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

async function killProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGKILL");
  await exited;
}

// A cluster node also listens on its port + 10000 (the cluster bus), which must be a port too.
const HIGHEST_USABLE_PORT = 65_535 - 10_000;

/** A port nothing listens on (now), also usable for a Redis Cluster node (its bus is port + 10000). */
export async function freePort(): Promise<number> {
  for (;;) {
    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const address = server.address();
    server.close();
    if (typeof address !== "object" || address === null) throw new Error("no free port");
    if (address.port <= HIGHEST_USABLE_PORT) return address.port;
  }
}

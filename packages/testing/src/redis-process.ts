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
/** How long a killed master's replica may take to be promoted (seconds with a short node timeout). */
const FAILOVER_TIMEOUT_MS = 30_000;
/** `cluster-node-timeout` with replicas: a failover then takes a few seconds, not Redis's 15 s timeout and more. */
const REPLICA_NODE_TIMEOUT_MS = 1_000;
const CLUSTER_SLOTS = 16_384;
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
  /**
   * The URL of one node, as `RedisStore.connect({ cluster: true })` takes it. A client connected
   * before that node is killed knows the others; one connecting after cannot start from it.
   */
  readonly url: string;
  /**
   * Every server, in the order started; without replicas, the masters. With replicas, which
   * server is a master is the cluster's to say, and changes with a failover: see `shardOf`.
   */
  readonly nodes: readonly RedisServerProcess[];
  /** The shard serving `slot` (0 to 16383) as a live node sees the cluster now. */
  shardOf(slot: number): Promise<RedisClusterShard>;
  /**
   * Once `master`'s replicas have everything it has (their replication offsets), SIGKILLs it,
   * like a crash, and resolves once it has exited. The cluster then fails over by itself (no
   * CLUSTER FAILOVER): after `cluster-node-timeout` the other masters count it failed, and one
   * of its replicas is elected in its place; `promoted` says when that is done. It stays down.
   */
  killMaster(master: RedisServerProcess): Promise<KilledMaster>;
  stop(): Promise<void>;
}

/** How `startRedisCluster` makes a cluster (the default: masters only, as before). */
export interface RedisClusterOptions {
  /** Replicas per master, so that a master can fail over (`killMaster`). Default 0. */
  readonly replicas?: number;
  /**
   * `cluster-node-timeout`, in ms: how long a node may not answer before the others count it
   * failing and its replica takes over. Default: 1 s with replicas; Redis's own (15 s) without.
   */
  readonly nodeTimeoutMs?: number;
}

/** One shard of a cluster, as one node sees it. */
export interface RedisClusterShard {
  readonly master: RedisServerProcess;
  readonly replicas: readonly RedisServerProcess[];
  /** Its slot ranges, first and last slot of each. */
  readonly slots: readonly (readonly [number, number])[];
}

/** A master that `killMaster` killed. */
export interface KilledMaster {
  /** Its replicas when it died. */
  readonly replicas: readonly RedisServerProcess[];
  /**
   * Resolves with the replica that took its place, once every live node says `cluster_state:ok`
   * and counts that replica the master of all the slots the killed one served (and that replica
   * says `role:master`); rejects if that takes more than 30 s.
   */
  readonly promoted: Promise<RedisServerProcess>;
}

/**
 * Starts `shards` cluster-enabled servers, and `replicas` more per shard, joins them with
 * `redis-cli --cluster create --cluster-replicas <replicas>`, and waits until the cluster is
 * whole as every node sees it: every node reports `cluster_state:ok` with all 16384 slots
 * served, knows every other node, counts `shards` masters with `replicas` replicas each and no
 * node failing, and every replica's link to its master is up and synced.
 *
 * @example
 * const cluster = await startRedisCluster();
 * const withReplicas = await startRedisCluster(3, { replicas: 1 });
 * afterAll(() => cluster.stop());
 */
export async function startRedisCluster(shards = 3, options: RedisClusterOptions = {}): Promise<RedisClusterProcesses> {
  const { replicas = 0, nodeTimeoutMs = replicas > 0 ? REPLICA_NODE_TIMEOUT_MS : undefined } = options;
  if (!Number.isInteger(replicas) || replicas < 0) throw new RangeError(`replicas must be a whole number, not ${replicas}`);
  const nodes: RedisServerProcess[] = [];
  const killed = new Set<RedisServerProcess>();
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    const timeout = nodeTimeoutMs === undefined ? [] : ["--cluster-node-timeout", `${nodeTimeoutMs}`];
    // A master waits 5 s by default before its first (diskless) sync, for more replicas to come.
    const sync = replicas > 0 ? ["--repl-diskless-sync-delay", "0"] : [];
    for (let index = 0; index < shards * (1 + replicas); index += 1) {
      const args = (port: number) => ["--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`, ...timeout, ...sync];
      nodes.push(await startRedisServer({ args }));
    }
    const addresses = nodes.map(({ port }) => `127.0.0.1:${port}`);
    // Forming the cluster takes a few seconds, more on a machine busy with other tests.
    await promisify(execFile)("redis-cli", ["--cluster", "create", ...addresses, "--cluster-replicas", `${replicas}`, "--cluster-yes"], {
      timeout: CLUSTER_CREATE_TIMEOUT_MS,
    });
    // redis-cli returns once the nodes agree on the slots, before every node knows every
    // other's role and before the replicas have synced.
    await Promise.all(nodes.map(({ port }) => waitFor(port, (redis) => whole(redis, nodes.length, shards, replicas))));
  } catch (error) {
    await stop();
    throw error;
  }
  const [first] = nodes;
  if (first === undefined) throw new RangeError("a cluster needs at least one shard");
  const byPort = (port: number) => {
    const node = nodes.find((candidate) => candidate.port === port);
    if (node === undefined) throw new Error(`no node of this cluster on port ${port}`);
    return node;
  };
  const live = () => nodes.filter((node) => !killed.has(node));
  const shardOf = async (slot: number): Promise<RedisClusterShard> => {
    for (const node of live()) {
      const seen = await ask(node.port, clusterNodes).catch(() => undefined);
      const master = seen?.find(({ flags, slots }) => flags.has("master") && !flags.has("fail") && slots.some(([from, to]) => from <= slot && slot <= to));
      if (seen === undefined || master === undefined) continue;
      const replicas = seen.filter(({ masterId, flags }) => masterId === master.id && !flags.has("fail")).map(({ port }) => byPort(port));
      return { master: byPort(master.port), replicas, slots: master.slots };
    }
    throw new Error(`no live node of this cluster names a master for slot ${slot}`);
  };
  const killMaster = async (master: RedisServerProcess): Promise<KilledMaster> => {
    const seen = await ask(master.port, clusterNodes);
    const self = seen.find(({ flags }) => flags.has("myself"));
    if (self === undefined || !self.flags.has("master") || self.slots.length === 0) throw new Error(`the node on port ${master.port} is no master serving slots`);
    const replicas = seen.filter(({ masterId, flags }) => masterId === self.id && !flags.has("fail")).map(({ port }) => byPort(port));
    if (replicas.length === 0) throw new Error(`the master on port ${master.port} has no replica to take over`);
    // Replication is asynchronous: what the master acknowledged last may not have reached its
    // replicas yet, and would be lost with it. Let them catch up to where it is now.
    const offset = Number(/master_repl_offset:(\d+)/.exec(await ask(master.port, (redis) => redis.info("replication")))?.[1]);
    await Promise.all(
      replicas.map(({ port }) =>
        waitFor(port, async (redis) => {
          const replication = await redis.info("replication");
          return /master_link_status:up/.test(replication) && Number(/slave_repl_offset:(\d+)/.exec(replication)?.[1]) >= offset;
        }),
      ),
    );
    killed.add(master);
    await master.kill();
    const promoted = promotion(live(), self, replicas, byPort);
    // Awaited by the caller, maybe only after other work: not an unhandled rejection meanwhile.
    promoted.catch(() => undefined);
    return { replicas, promoted };
  };
  return { url: first.url, nodes, shardOf, killMaster, stop };
}

/** A line of CLUSTER NODES. */
interface ClusterNode {
  readonly id: string;
  readonly port: number;
  /** myself, master, slave, fail?, fail, handshake, noaddr, nofailover... */
  readonly flags: ReadonlySet<string>;
  /** The master's id, for a replica. */
  readonly masterId: string | undefined;
  readonly slots: readonly (readonly [number, number])[];
}

/** The cluster as the node `redis` is connected to sees it. */
async function clusterNodes(redis: Redis): Promise<ClusterNode[]> {
  const lines = ((await redis.cluster("NODES")) as string).trim().split("\n");
  return lines.map((line) => {
    // <id> <ip:port@cport[,hostname]> <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot>...
    const [id = "", address = "", flags = "", master = "-", , , , , ...slots] = line.trim().split(" ");
    return {
      id,
      port: Number(/:(\d+)@/.exec(address)?.[1]),
      flags: new Set(flags.split(",")),
      masterId: master === "-" ? undefined : master,
      // Slots being migrated ("[slot->-id]") are not served yet.
      slots: slots.filter((slot) => !slot.startsWith("[")).map((slot) => {
        const [from, to = from] = slot.split("-").map(Number);
        return [from ?? 0, to ?? 0] as const;
      }),
    };
  });
}

const TROUBLE = ["fail", "fail?", "handshake", "noaddr"];

/** Whether the node `redis` is connected to sees the whole cluster up, and, a replica, is synced with its master. */
async function whole(redis: Redis, nodes: number, shards: number, replicas: number): Promise<boolean> {
  const info = await redis.cluster("INFO");
  if (!/cluster_state:ok/.test(info)) return false;
  if (!new RegExp(`cluster_slots_ok:${CLUSTER_SLOTS}\\b`).test(info) || !new RegExp(`cluster_known_nodes:${nodes}\\b`).test(info)) return false;
  const seen = await clusterNodes(redis);
  if (seen.some(({ flags }) => TROUBLE.some((flag) => flags.has(flag)))) return false;
  const masters = seen.filter(({ flags, slots }) => flags.has("master") && slots.length > 0);
  if (masters.length !== shards) return false;
  if (masters.some(({ id }) => seen.filter(({ masterId, flags }) => masterId === id && flags.has("slave")).length !== replicas)) return false;
  const self = seen.find(({ flags }) => flags.has("myself"));
  if (!self?.flags.has("slave")) return true;
  const replication = await redis.info("replication");
  return /master_link_status:up/.test(replication) && /master_sync_in_progress:0/.test(replication);
}

/**
 * Resolves with the one of `replicas` that every node of `live` counts the master of all the
 * slots `formerMaster` served, once each of them says `cluster_state:ok` (and it `role:master`).
 */
async function promotion(
  live: readonly RedisServerProcess[],
  formerMaster: ClusterNode,
  replicas: readonly RedisServerProcess[],
  byPort: (port: number) => RedisServerProcess,
): Promise<RedisServerProcess> {
  const covers = (node: ClusterNode) => formerMaster.slots.every(([from, to]) => node.slots.some(([first, last]) => first <= from && to <= last));
  const servingNow = async (redis: Redis): Promise<number | undefined> => {
    if (!/cluster_state:ok/.test(await redis.cluster("INFO"))) return undefined;
    const seen = await clusterNodes(redis);
    if (!seen.find(({ id }) => id === formerMaster.id)?.flags.has("fail")) return undefined;
    return seen.find((node) => node.flags.has("master") && !node.flags.has("fail") && covers(node))?.port;
  };
  const deadline = Date.now() + FAILOVER_TIMEOUT_MS;
  for (;;) {
    const ports = await Promise.all(live.map(({ port }) => ask(port, servingNow).catch(() => undefined)));
    const [port] = ports;
    if (port !== undefined && ports.every((seen) => seen === port) && replicas.some((replica) => replica.port === port)) {
      const promoted = byPort(port);
      if (/role:master/.test(await ask(port, (redis) => redis.info("replication")).catch(() => ""))) return promoted;
    }
    if (Date.now() > deadline) {
      throw new Error(`no replica of the master on port ${formerMaster.port} took its slots within ${FAILOVER_TIMEOUT_MS} ms (seen: ${ports.join(", ")})`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** Runs `use` on a fresh connection to `port` that never retries, then closes it. */
async function ask<T>(port: number, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
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
    try {
      if (await ask(port, ready)) return;
    } catch {
      // Not up yet.
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

import { createShardedAdapter } from "@socket.io/redis-adapter";
import { Cluster, Redis } from "ioredis";
import type { RelayConfig } from "../config.js";
import { assertRedisUrl, clusterNodeOptions } from "../store/redis/connect.js";

/** How long `createRedisAdapter` waits for its clients' first attempt to connect. */
const DEFAULT_STARTUP_WAIT_MS = 5_000;
/** What ends a client's first attempt to connect: being ready, or a connection that failed or closed. */
const ATTEMPT_OVER = ["ready", "close", "end"] as const;

/** How long a join waits for its room's subscription before going on without it (Redis is then failing anyway). */
const SUBSCRIBE_WAIT_MS = 5_000;

/** A socket.io adapter factory and what closes its Redis connections. */
export interface RedisAdapter {
  readonly adapter: ReturnType<typeof createShardedAdapter>;
  /**
   * Resolves once this node's subscription to `room`'s channel is in place (the adapter makes
   * it, without waiting, when a socket first joins the room here), or after a few seconds.
   */
  subscribed(room: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * socket.io's sharded Redis adapter, so that a broadcast on one node reaches sockets on every
 * node. Sharded pub/sub (Redis 7: SPUBLISH/SSUBSCRIBE) keeps working unchanged on a Redis
 * Cluster, where classic pub/sub would copy every message to every shard; "dynamic" mode gives
 * each room its own channel, so a node only hears rooms it has sockets in. Resolves once each
 * client is ready or has failed its first attempt to connect (at most `startupWaitMs`, default
 * 5 s): a node starts without Redis, and the adapter catches up when Redis comes.
 *
 * @example
 * const { adapter, close } = await createRedisAdapter(config);
 * const io = new Server(httpServer, { adapter });
 */
export async function createRedisAdapter(
  config: Pick<RelayConfig, "redisUrl" | "redisCluster" | "redisPrefix">,
  options: { readonly startupWaitMs?: number } = {},
): Promise<RedisAdapter> {
  const { redisUrl: url } = config;
  const { startupWaitMs = DEFAULT_STARTUP_WAIT_MS } = options;
  assertRedisUrl(url);
  // The adapter subscribes without awaiting, so a subscription must never fail while Redis is
  // away (no retry limit: it goes out when Redis is back) and never fail unhandled (see below).
  const subscriberOptions = { maxRetriesPerRequest: null };
  // Both clients connect in the background and keep trying (ioredis's default retry strategies
  // never give up): a node may start before Redis is there. Until then, publishing waits or fails
  // as during an outage, and subscriptions wait in the offline queue, sent once connected.
  const [pub, sub] = config.redisCluster
    ? [
        new Cluster([url], { redisOptions: clusterNodeOptions(url) }),
        // Each SSUBSCRIBE must reach the shard serving its channel's slot. Without
        // `shardedSubscribers`, ioredis sends them all down one connection and those for other
        // shards never complete (the MOVED reply is dropped; redis/ioredis#1759), so nothing arrives.
        new Cluster([url], { shardedSubscribers: true, redisOptions: { ...clusterNodeOptions(url), ...subscriberOptions } }),
      ]
    : // Every broadcast is one SPUBLISH: auto-pipelined, those of one turn of the event loop go
      // out in one write, not a system call each (on a Cluster, where a command auto-pipelined
      // before the slots are known fails instead of waiting, publishes go one by one).
      [new Redis(url, { enableAutoPipelining: true }), new Redis(url, subscriberOptions)];
  // ioredis logs unhandled "error" events; the store reports Redis health, so stay quiet here.
  for (const client of [pub, sub]) client.on("error", () => undefined);
  const pending = guardSubscriptions(sub);
  const channelPrefix = `${config.redisPrefix}:sio`;
  // With Redis there, its subscriptions are in place before the node serves; without, go on.
  await Promise.all([firstAttempt(pub, startupWaitMs), firstAttempt(sub, startupWaitMs)]);
  return {
    adapter: createShardedAdapter(pub, sub, { channelPrefix, subscriptionMode: "dynamic" }),
    // The adapter's channel for a room in "dynamic" mode, in the default namespace.
    subscribed: (room) => settledWithin(pending.get(`${channelPrefix}#/#${room}#`), SUBSCRIBE_WAIT_MS),
    async close() {
      await Promise.all([pub, sub].map(closeClient));
    },
  };
}

/**
 * @socket.io/redis-adapter 8.3 calls `ssubscribe` and `sunsubscribe` without handling their
 * promises. One that fails (the client closing, a slot without a shard during resharding) would
 * be an unhandled rejection, which ends a Node process; this one handles them. A room whose
 * subscription failed that way hears remote broadcasts again once it is created anew here.
 * Returns the subscriptions still under way, by channel, so that a join can wait for its own.
 */
function guardSubscriptions(client: Redis | Cluster): ReadonlyMap<string, Promise<unknown>> {
  const pending = new Map<string, Promise<unknown>>();
  for (const method of ["ssubscribe", "sunsubscribe"] as const) {
    const send = client[method].bind(client) as (...channels: string[]) => Promise<unknown>;
    const guarded = (...channels: string[]) => {
      const result = send(...channels);
      const settled = result.catch(() => undefined);
      if (method === "ssubscribe") {
        for (const channel of channels) pending.set(channel, settled);
        void settled.then(() => {
          for (const channel of channels) if (pending.get(channel) === settled) pending.delete(channel);
        });
      }
      return result;
    };
    Object.assign(client, { [method]: guarded });
  }
  return pending;
}

/** Resolves when `promise` settles (at once without one), or after `waitMs` at the latest. */
function settledWithin(promise: Promise<unknown> | undefined, waitMs: number): Promise<void> {
  if (promise === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    void promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

// QUIT waits for Redis; while it is away, just drop the connection (pending commands fail, handled).
async function closeClient(client: Redis | Cluster): Promise<void> {
  if (client.status !== "ready") {
    client.disconnect();
    return;
  }
  await client.quit().catch(() => {
    client.disconnect();
  });
}

/** Resolves when `client` is ready or its first attempt to connect is over, or after `waitMs`. */
function firstAttempt(client: Redis | Cluster, waitMs: number): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve) => {
    const over = () => {
      clearTimeout(timer);
      for (const event of ATTEMPT_OVER) client.off(event, over);
      resolve();
    };
    const timer = setTimeout(over, waitMs);
    timer.unref();
    for (const event of ATTEMPT_OVER) client.once(event, over);
  });
}

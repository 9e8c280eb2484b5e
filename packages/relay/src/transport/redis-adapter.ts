import { createShardedAdapter } from "@socket.io/redis-adapter";
import { Cluster, Redis } from "ioredis";
import type { RelayConfig } from "../config.js";
import { assertRedisUrl, clusterNodeOptions } from "../store/redis/connect.js";
import { publishAgainWhenBack } from "./unsent-publishes.js";

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
  /**
   * Whether both clients are connected. A client that reconnects sends its subscriptions again
   * as it becomes ready, ahead of anything else; until then, broadcasts from other nodes are
   * lost here, so the node should be out of rotation.
   */
  connected(): boolean;
  /**
   * Calls `listener` each time the subscriber is ready again (the first time too), once Redis
   * has answered the subscriptions it sent again: from then on every broadcast reaches this
   * node, and what was broadcast while it was away never will. On a Cluster, also each time
   * the subscriber's connection to one shard is back, the others having stayed.
   */
  onResubscribed(listener: () => void): void;
  /**
   * Reconnects both clients to one Redis (nothing on a Cluster): the store found that the
   * Redis they reach became a replica. Publishes cut off go out again once the publisher is
   * ready, and the subscriber's catch-up replays what was missed (as after any reconnect).
   */
  reconnect(): void;
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
  // A publish fails at once while Redis is away, and so does one cut off by a dropped
  // connection: the adapter then delivers on this node without waiting out ioredis's retries
  // (about 10 s of them by default), and the publish goes out again once Redis is back.
  const publisherOptions = { enableAutoPipelining: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 };
  // The same on a Cluster, shard by shard. By default ioredis drops a shard's connection that
  // closes, opens another only for the next command there, and tries a failed command again
  // every 100 ms (retryDelayOnFailover, up to 16 redirections): with the shard refusing
  // connections, members here waited about 1 s for a publish that failed anyway and was never
  // sent again (the Cluster stays "ready"). Here the connection reconnects by itself (with
  // ioredis's delays for one Redis) and says "ready" once back, when `publishAgainWhenBack`
  // sends again; a publish there meanwhile, or one cut off, fails at once.
  const clusterPublisherOptions = {
    enableOfflineQueue: false,
    retryDelayOnFailover: 0,
    clusterNodeRetryStrategy: (attempt: number) => Math.min(attempt * 50, 2_000),
    // Kept, a connection to a master that died no longer sends the next publish to another
    // shard, whose MOVED names the promoted replica: re-reading the slots every few seconds
    // does (ioredis documents 5 s as the default, but 5.11 refreshes only on MOVED or errors).
    slotsRefreshInterval: 5_000,
    redisOptions: { ...clusterNodeOptions(url), maxRetriesPerRequest: 0 },
  };
  // Both clients connect in the background and keep trying (ioredis's default retry strategies
  // never give up): a node may start before Redis is there. Until then, publishes fail and are
  // kept to send later, and subscriptions wait in the offline queue, sent once connected.
  const [pub, sub] = config.redisCluster
    ? [
        new Cluster([url], clusterPublisherOptions),
        // Each SSUBSCRIBE must reach the shard serving its channel's slot. Without
        // `shardedSubscribers`, ioredis sends them all down one connection and those for other
        // shards never complete (the MOVED reply is dropped; redis/ioredis#1759), so nothing arrives.
        new Cluster([url], { shardedSubscribers: true, redisOptions: { ...clusterNodeOptions(url), ...subscriberOptions } }),
      ]
    : // Every broadcast is one SPUBLISH: auto-pipelined, those of one turn of the event loop go
      // out in one write, not a system call each (on a Cluster, where a command auto-pipelined
      // before the slots are known fails instead of waiting, publishes go one by one).
      [new Redis(url, publisherOptions), new Redis(url, subscriberOptions)];
  // ioredis logs unhandled "error" events; the store reports Redis health, so stay quiet here.
  for (const client of [pub, sub]) client.on("error", () => undefined);
  const pending = guardSubscriptions(sub);
  publishAgainWhenBack(pub);
  const channelPrefix = `${config.redisPrefix}:sio`;
  // With Redis there, its subscriptions are in place before the node serves; without, go on.
  await Promise.all([firstAttempt(pub, startupWaitMs), firstAttempt(sub, startupWaitMs)]);
  const sharded = createShardedAdapter(pub, sub, { channelPrefix, subscriptionMode: "dynamic" });
  const resubscribed = new Set<() => void>();
  const hearingAgain = () => {
    for (const listener of resubscribed) listener();
  };
  // ioredis sends a reconnected subscriber's subscriptions again just before it says "ready"
  // (in the same turn); they are pending by then, and their replies come back in order.
  sub.on("ready", () => {
    void Promise.all(pending.values()).then(hearingAgain);
  });
  if (sub instanceof Cluster && !onShardResubscribed(sub, hearingAgain)) {
    for (const client of [pub, sub]) client.disconnect();
    throw new Error("ioredis no longer keeps a Cluster's sharded subscribers where redis-adapter.ts reads them");
  }
  return {
    adapter: function (nsp) {
      return skipOwnBroadcasts(sharded(nsp));
    },
    // The adapter's channel for a room in "dynamic" mode, in the default namespace.
    subscribed: (room) => settledWithin(pending.get(`${channelPrefix}#/#${room}#`), SUBSCRIBE_WAIT_MS),
    connected: () => pub.status === "ready" && sub.status === "ready",
    onResubscribed(listener) {
      resubscribed.add(listener);
    },
    reconnect() {
      // A Cluster follows its failovers itself (MOVED, the slots refresh).
      if (pub instanceof Cluster || sub instanceof Cluster) return;
      for (const client of [pub, sub]) if (client.status === "ready") client.disconnect(true);
    },
    async close() {
      await Promise.all([pub, sub].map(closeClient));
    },
  };
}

/** What of the sharded adapter `skipOwnBroadcasts` reads and replaces (ClusterAdapter's uid is not public). */
interface HearsRawMessages {
  readonly uid: string;
  readonly nsp: { readonly name: string };
  onRawMessage(rawMessage: Buffer | string, channel: Buffer | string): void;
}

/**
 * Makes the adapter drop its own broadcasts without decoding them. A node subscribes to the
 * channels of the rooms it has sockets in and publishes every broadcast to them, so it hears
 * each of its own back; the adapter parses the whole message (JSON, or msgpack when it carries
 * binary) only to find its own uid and ignore it. On one node that is every broadcast, and it
 * was 3 % of the relay's busy time at the 1:1 maximum on Redis. socket.io-adapter's
 * ClusterAdapter adds `uid` and then `nsp` to the message last, so a JSON broadcast of this
 * node's ends with exactly these bytes; JSON escapes quotes inside strings, so nothing another
 * node sends (a chat text included) can end with them. Responses (which end in `uid`, with no
 * `nsp` after it) and msgpack messages are decoded as before, and so is everything else.
 */
export function skipOwnBroadcasts<Adapter>(adapter: Adapter): Adapter {
  const hearing = adapter as unknown as HearsRawMessages;
  const decode = hearing.onRawMessage.bind(hearing);
  const ownTail = Buffer.from(`,"uid":${JSON.stringify(hearing.uid)},"nsp":${JSON.stringify(hearing.nsp.name)}}`);
  hearing.onRawMessage = (rawMessage, channel) => {
    const raw = typeof rawMessage === "string" ? Buffer.from(rawMessage) : rawMessage;
    if (raw.length > ownTail.length && raw[0] === 0x7b && raw.subarray(raw.length - ownTail.length).equals(ownTail)) return;
    decode(rawMessage, channel);
  };
  return adapter;
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

/** ioredis 5's sharded subscribers of a Cluster (`shardedSubscribers: true`), one per shard, by node; not public API. */
type ShardSubscribers = ReadonlyMap<string, { getInstance(): Redis | null }>;

/**
 * Calls `listener` each time one of `cluster`'s per-shard subscriber connections is back and its
 * subscriptions are answered. ioredis replaces a shard's subscriber connection that drops (or
 * moves slots) by itself while the Cluster stays "ready": it says nothing of it but
 * "subscribersReady", emitted once it has sent the new connection's subscriptions (its
 * ClusterSubscriberGroup.reset), and after a replacement that failed too. So wait until no
 * connection is down, then for the answer to a PING down each: Redis answers in order, so the
 * subscriptions sent before it are in place, and anything published earlier is in the store.
 * Those connections are not public API: returns false where they are not found, so that an
 * upgrade of ioredis fails loudly instead of never catching up.
 */
function onShardResubscribed(cluster: Cluster, listener: () => void): boolean {
  const group = (cluster as unknown as { shardedSubscribers?: { shardedSubscribers?: unknown } }).shardedSubscribers;
  if (!(group?.shardedSubscribers instanceof Map)) return false;
  const subscribers = group.shardedSubscribers as ShardSubscribers;
  cluster.on("subscribersReady", () => {
    const connections = [...subscribers.values()].flatMap((subscriber) => subscriber.getInstance() ?? []);
    // A shard whose connection failed again is replaced, and "subscribersReady" comes again.
    if (connections.some(({ status }) => status === "close" || status === "end")) return;
    // Connections never used ("wait": no channel on their shard) or opening for a first subscription have missed nothing.
    const ready = connections.filter(({ status }) => status === "ready");
    if (ready.length > 0) void Promise.all(ready.map((connection) => connection.ping())).then(listener, () => undefined);
  });
  return true;
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

// Connecting to Redis, one server or a Cluster, so that an outage makes commands fail at once
// rather than hang: the relay refuses work while the store is unhealthy, and its clients retry.
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { defineScripts, type RedisClient } from "./scripts.js";

/** Reconnect delays grow by this much per attempt, up to `RECONNECT_MAX_DELAY_MS`. */
const RECONNECT_STEP_MS = 100;
const RECONNECT_MAX_DELAY_MS = 2_000;
/** A command without a reply for this long fails (a Redis that hangs does not close the connection). */
const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;
/** How long `openRedis` waits for its first attempt before reporting Redis unreachable. */
const DEFAULT_STARTUP_WAIT_MS = 5_000;

/** How to reach Redis. */
export interface ConnectOptions {
  readonly url: string;
  /** `url` names one node of a Redis Cluster. */
  readonly cluster?: boolean;
  readonly commandTimeoutMs?: number;
  /**
   * Called when one Redis (not a Cluster) refused a write as a read-only replica, just before
   * the client reconnects: see {@link READ_ONLY}.
   */
  readonly onReadOnly?: () => void;
}

/**
 * A managed Redis fails over by promoting its replica, making the old primary a replica of it,
 * and moving its DNS name; connections open to the old primary stay open, and every write there
 * is refused with READONLY. The client then reconnects, through the name, to the new primary
 * (ioredis's `reconnectOnError`, as its README shows for this case). The command that was
 * refused fails (the store's clients never resend one: it may be a script).
 */
const READ_ONLY = /^READONLY\b/;

/**
 * The delay before reconnect attempt `attempt` (1, 2, ...): linear, capped at 2 s. The same
 * schedule serves a client that lost Redis and one that has not reached it yet.
 */
function reconnectDelay(attempt: number): number {
  return Math.min(attempt * RECONNECT_STEP_MS, RECONNECT_MAX_DELAY_MS);
}

/**
 * A connected client with the store's scripts defined. Fails if Redis cannot be reached now
 * (for callers that must have Redis to proceed; the relay uses `openRedis`); once connected, it
 * reconnects by itself for ever, while commands fail fast instead of queueing
 * (`enableOfflineQueue: false`) and a command cut off by a dropped connection is failed, never
 * resent (`maxRetriesPerRequest: 0`): a script that may have run already must not run twice.
 *
 * @example
 * const redis = await connectRedis({ url: "redis://127.0.0.1:6379" });
 */
export async function connectRedis(options: ConnectOptions): Promise<RedisClient> {
  let connected = false;
  const client = newClient(options, (attempt) => (connected ? reconnectDelay(attempt) : null));
  let cause: unknown;
  const remember = (error: unknown) => (cause = error);
  client.on("error", remember);
  try {
    await client.connect();
    connected = true;
  } catch (error) {
    client.disconnect();
    throw new Error(`cannot connect to Redis at ${withoutPassword(options.url)}`, { cause: cause ?? error });
  } finally {
    client.off("error", remember);
  }
  // Set only now: during connect, the handshake itself must be allowed to wait for the socket.
  client.options.enableOfflineQueue = false;
  return client;
}

/** A client `openRedis` is connecting in the background. */
export interface RedisOpening {
  /** Usable at once: until Redis is reached, its commands fail at once ("enableOfflineQueue"). */
  readonly client: RedisClient;
  /**
   * Settles once the first attempt to connect has, or after `startupWaitMs`: with undefined
   * when connected, else with an Error saying why not (its cause is ioredis's). The client keeps
   * trying either way.
   */
  readonly firstAttempt: Promise<Error | undefined>;
  /** Resolves when the client is first ready; never, if it is closed before. */
  readonly connected: Promise<void>;
}

/**
 * A client like `connectRedis`'s that does not need Redis to be there now: it connects in the
 * background and keeps trying, with the delays it uses after losing Redis, and until it gets
 * there its commands fail at once (with errors the store counts as Redis being unavailable).
 * Throws at once only on a URL that is not a `redis://` or `rediss://` URL.
 *
 * @example
 * const { client, firstAttempt } = openRedis({ url: "redis://127.0.0.1:6379" });
 * const failure = await firstAttempt; // undefined once connected
 */
export function openRedis(options: ConnectOptions & { readonly startupWaitMs?: number }): RedisOpening {
  const { url, startupWaitMs = DEFAULT_STARTUP_WAIT_MS } = options;
  const client = newClient(options, reconnectDelay);
  // Unlike in `connectRedis`, nothing waits for the first connection: commands fail until ready.
  // ioredis lets its handshake through without the queue (status "connect").
  client.options.enableOfflineQueue = false;
  // An auto-pipelined command on a Cluster whose slots are not known yet waits for the next
  // attempt to connect (and then fails with "None of startup nodes is available"), so turn
  // auto-pipelining on only once connected: before, commands fail at once like the rest.
  const pipelining = client.options.enableAutoPipelining;
  client.options.enableAutoPipelining = false;
  const connected = new Promise<void>((resolve) => {
    client.once("ready", () => {
      client.options.enableAutoPipelining = pipelining;
      resolve();
    });
  });
  let cause: unknown;
  const remember = (error: unknown) => (cause ??= error);
  client.on("error", remember);
  const attempt = client.connect().then(
    () => undefined,
    (error: unknown) => new Error(`cannot connect to Redis at ${withoutPassword(url)}`, { cause: cause ?? error }),
  );
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<Error>((resolve) => {
    timer = setTimeout(() => {
      resolve(new Error(`no answer from Redis at ${withoutPassword(url)} within ${startupWaitMs} ms`, { cause }));
    }, startupWaitMs);
    timer.unref();
  });
  const firstAttempt = Promise.race([attempt, waited]).finally(() => {
    clearTimeout(timer);
    client.off("error", remember);
  });
  return { client, firstAttempt, connected };
}

/** A client with the store's options and scripts, not yet connecting (`lazyConnect`). */
function newClient(options: ConnectOptions, retry: (attempt: number) => number | null): RedisClient {
  const { url, cluster = false, commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS } = options;
  assertRedisUrl(url);
  const failFast = {
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: commandTimeoutMs,
  } satisfies RedisOptions;
  const client: RedisClient = cluster
    ? new Cluster([url], {
        lazyConnect: true,
        enableAutoPipelining: true,
        clusterRetryStrategy: retry,
        redisOptions: { ...failFast, ...clusterNodeOptions(url) },
      })
    : new Redis(url, { lazyConnect: true, enableAutoPipelining: true, retryStrategy: retry, reconnectOnError: reconnectOnReadOnly(options.onReadOnly), ...failFast });
  // Connection errors surface as failed commands and `healthy()`; without a listener ioredis
  // would also print each reconnect attempt's error.
  client.on("error", () => undefined);
  defineScripts(client);
  return client;
}

/**
 * ioredis's `reconnectOnError` for one Redis that may become a replica: reconnect (without
 * sending the refused command again) when a write is refused as READONLY, telling `onReadOnly`.
 *
 * @example
 * new Redis(url, { reconnectOnError: reconnectOnReadOnly(() => adapter.reconnect()) });
 */
function reconnectOnReadOnly(onReadOnly?: () => void): (error: Error) => boolean {
  return (error) => {
    if (!READ_ONLY.test(error.message)) return false;
    onReadOnly?.();
    return true;
  };
}

/**
 * Throws unless `url` is a `redis://` or `rediss://` URL: a malformed one is a configuration
 * error, to report at startup rather than to retry for ever.
 */
export function assertRedisUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new Error("the Redis URL is not a valid URL (expected redis://host:port or rediss://host:port)");
  }
  if (protocol !== "redis:" && protocol !== "rediss:") {
    throw new Error(`invalid Redis URL: ${withoutPassword(url)} (the scheme must be redis: or rediss:, not ${protocol})`);
  }
}

/**
 * What every node of a Cluster must be reached with, from the URL of one: the nodes ioredis
 * finds through CLUSTER SLOTS get these options, not the startup node's URL.
 */
export function clusterNodeOptions(url: string): Pick<RedisOptions, "username" | "password" | "tls"> {
  const parsed = new URL(url);
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === "rediss:" ? { tls: {} } : {}),
  };
}

/** The URL with its password masked, for error messages. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "an invalid URL";
  }
}

/**
 * Whether a Redis answers PING at `url` within a couple of seconds (never retries, never logs).
 *
 * @example
 * if (!(await redisReachable("redis://127.0.0.1:6379"))) console.warn("no Redis: skipping");
 */
export async function redisReachable(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 2_000 });
  // The failed connect() below reports the error; this only keeps ioredis from logging it too.
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

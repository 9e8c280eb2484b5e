// Connecting to Redis, one server or a Cluster, so that an outage makes commands fail at once
// rather than hang: the relay refuses work while the store is unhealthy, and its clients retry.
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { defineScripts, type RedisClient } from "./scripts.js";

/** Reconnect delays grow by this much per attempt, up to `RECONNECT_MAX_DELAY_MS`. */
const RECONNECT_STEP_MS = 100;
const RECONNECT_MAX_DELAY_MS = 2_000;
/** A command without a reply for this long fails (a Redis that hangs does not close the connection). */
const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;

/** How to reach Redis. */
export interface ConnectOptions {
  readonly url: string;
  /** `url` names one node of a Redis Cluster. */
  readonly cluster?: boolean;
  readonly commandTimeoutMs?: number;
}

/**
 * A connected client with the store's scripts defined. Fails if Redis cannot be reached now (a
 * Redis that is not there at startup is a configuration error); once connected, it reconnects by
 * itself for ever, while commands fail fast instead of queueing (`enableOfflineQueue: false`)
 * and a command cut off by a dropped connection is failed, never resent
 * (`maxRetriesPerRequest: 0`): a script that may have run already must not run twice.
 *
 * @example
 * const redis = await connectRedis({ url: "redis://127.0.0.1:6379" });
 */
export async function connectRedis(options: ConnectOptions): Promise<RedisClient> {
  const { url, cluster = false, commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS } = options;
  let connected = false;
  const retry = (attempt: number) => (connected ? Math.min(attempt * RECONNECT_STEP_MS, RECONNECT_MAX_DELAY_MS) : null);
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
    : new Redis(url, { lazyConnect: true, enableAutoPipelining: true, retryStrategy: retry, ...failFast });
  let cause: unknown;
  const remember = (error: unknown) => (cause = error);
  client.on("error", remember);
  try {
    await client.connect();
    connected = true;
  } catch (error) {
    client.disconnect();
    throw new Error(`cannot connect to Redis at ${withoutPassword(url)}`, { cause: cause ?? error });
  } finally {
    client.off("error", remember);
  }
  // Set only now: during connect, the handshake itself must be allowed to wait for the socket.
  client.options.enableOfflineQueue = false;
  // Connection errors surface as failed commands and `healthy()`; without a listener ioredis
  // would also print each reconnect attempt's error.
  client.on("error", () => undefined);
  defineScripts(client);
  return client;
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

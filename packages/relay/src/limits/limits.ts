import { RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { RelayConfig } from "../config.js";
import { RelayError } from "../errors.js";
import type { Logger } from "../logger.js";
import { TurnBatches } from "../store/redis/batches.js";
import { openRedis } from "../store/redis/connect.js";
import type { RedisClient } from "../store/redis/scripts.js";
import { nameKey } from "../store/relay-store.js";
import { TimerlessRateLimiterMemory } from "./timerless-memory.js";

const MINUTE_S = 60;
const HOUR_S = 3_600;
const DAY_MS = 86_400_000;
/** Most points one Redis consume takes for a turn's checks of one key; more go in further calls. */
const MAX_CONSUME_BATCH = 1_000;

/** Which limit refused, as logs name it. */
type LimitName = "handshakes" | "logins" | "nameLogins" | "failedLogins" | "nameFailedLogins" | "newIdentities" | "messages" | "guestMessages";

/** Who a refusal is logged under: the client's address, and the name when there is one. */
export interface Requester {
  readonly address: string;
  readonly name?: string;
  /** The client event (or `handshake`) that was refused. */
  readonly event: string;
}

/**
 * The relay's keyed rate limits, on rate-limiter-flexible: in this process with the memory
 * store; in Redis (under the deployment's key prefix) with the Redis store, so that a limit
 * holds across nodes. While Redis is unreachable each node falls back to its own memory
 * (`insuranceLimiter`), so an outage loosens limits instead of refusing everything.
 * On Redis, one turn's checks of one key go as one consume of as many points, each answered
 * as if it came alone (`consumeTogether`): a sender with many messages under way costs one
 * Redis call per turn, not one per message.
 * Refusals throw RATE_LIMITED with `retryAfterMs`, and are logged at info once per window.
 *
 * @example
 * const limits = RelayLimits.open(config, logger);
 * await limits.message({ address, name, event: "chat" });
 */
export class RelayLimits {
  readonly #limiters: Readonly<Record<LimitName, RateLimiterAbstract>>;
  /** How many times a key was blocked for wrong signatures today: the backoff doubles with each. */
  readonly #strikes: RateLimiterAbstract;
  /** With the Redis store, each limit's checks gathered per key within a turn. */
  readonly #batches = new Map<LimitName, TurnBatches<null, RateLimiterRes | undefined>>();

  private constructor(
    private readonly config: RelayConfig,
    private readonly logger: Logger,
    private readonly redis: RedisClient | undefined,
  ) {
    const make = (name: string, points: number, duration: number) => limiter(name, points, duration, config.redisPrefix, redis);
    this.#limiters = {
      handshakes: make("handshakes", config.handshakesPerMinute, MINUTE_S),
      logins: make("logins", config.loginsPerMinute, MINUTE_S),
      nameLogins: make("name-logins", config.loginsPerNamePerMinute, MINUTE_S),
      failedLogins: make("failed-logins", config.failedLoginsPerHour, HOUR_S),
      nameFailedLogins: make("name-failed-logins", config.failedLoginsPerNamePerHour, HOUR_S),
      newIdentities: make("new-identities", config.newIdentitiesPerHour, HOUR_S),
      messages: make("messages", config.messagesPerMinute, MINUTE_S),
      guestMessages: make("guest-messages", config.guestMessagesPerMinute, MINUTE_S),
    };
    this.#strikes = make("strikes", Number.MAX_SAFE_INTEGER, DAY_MS / 1000);
  }

  /** The limits a configuration sets; with the Redis store, on a Redis client of their own. */
  static open(config: RelayConfig, logger: Logger): RelayLimits {
    const redis = config.store === "redis" ? openRedis({ url: config.redisUrl, cluster: config.redisCluster }).client : undefined;
    return new RelayLimits(config, logger, redis);
  }

  /** A new connection from `address`: milliseconds to wait, or undefined when it may go ahead. */
  async handshake(address: string): Promise<number | undefined> {
    return (await this.#take("handshakes", address, { address, event: "handshake" }))?.msBeforeNext;
  }

  /** A login attempt: refused while its address or name tried too often, or is waiting out wrong signatures. */
  async login(who: Requester & { readonly name: string }): Promise<void> {
    const name = nameKey(who.name);
    const waits = await Promise.all([
      this.#take("logins", who.address, who),
      this.#take("nameLogins", name, who),
      this.#blocked("failedLogins", who.address),
      this.#blocked("nameFailedLogins", name),
    ]);
    const waitMs = Math.max(...waits.map((wait) => (typeof wait === "number" ? wait : (wait?.msBeforeNext ?? 0))));
    if (waitMs > 0) throw RelayError.rateLimited("too many logins from this address or for this name; wait and retry", waitMs);
  }

  /** A login whose signature did not check out: counts against its address and name, blocking them for a while past the limit. */
  async loginFailed(who: Requester & { readonly name: string }): Promise<void> {
    await Promise.all([this.#fail("failedLogins", who.address, who), this.#fail("nameFailedLogins", nameKey(who.name), who)]);
  }

  /** A new keyed identity from `who.address`. */
  async newIdentity(who: Requester): Promise<void> {
    const over = await this.#take("newIdentities", who.address, who);
    if (over) throw RelayError.rateLimited("too many new identities from this address; wait and retry", over.msBeforeNext);
  }

  /** A message (chat or MLS application) from the identity `who.name`, over all its connections. */
  async message(who: Requester & { readonly name: string; readonly guest?: boolean }): Promise<void> {
    // A guest gets a new name, and with it a new allowance, on every connection: guests' messages
    // count against their address too.
    const over = (await this.#take("messages", nameKey(who.name), who)) ?? (who.guest === true ? await this.#take("guestMessages", who.address, who) : undefined);
    if (over) throw RelayError.rateLimited("too many messages; wait and retry", over.msBeforeNext);
  }

  /** Logs a refusal made outside these limits (a connection's token bucket, its open sessions). */
  refused(limit: string, who: Requester, retryAfterMs: number): void {
    this.logger.info({ limit, ...who, retryAfterMs }, "rate limited");
  }

  /** Closes the Redis client, if any, once the checks it has gathered are answered. */
  async close(): Promise<void> {
    await Promise.all([...this.#batches.values()].map((batches) => batches.flush()));
    const redis = this.redis;
    await redis?.quit().catch(() => {
      redis.disconnect();
    });
  }

  /**
   * Consumes a point; the refusal when over the limit, logged the first time in its window. In
   * this process's memory it answers at once: every chat takes this path, and a promise per
   * check was most of what the limits cost. In Redis, with the key's other checks of this turn.
   */
  #take(name: LimitName, key: string, who: Requester): RateLimiterRes | undefined | Promise<RateLimiterRes | undefined> {
    const limiter = this.#limiters[name];
    if (limiter instanceof TimerlessRateLimiterMemory) return this.#refusal(name, limiter, who, limiter.consumeNow(key));
    let batches = this.#batches.get(name);
    if (batches === undefined) {
      batches = new TurnBatches((batchKey, checks) => consumeTogether(limiter, batchKey, checks.length), MAX_CONSUME_BATCH);
      this.#batches.set(name, batches);
    }
    return batches.add(key, null).then((rejection) => this.#refusal(name, limiter, who, rejection));
  }

  #refusal(name: LimitName, limiter: RateLimiterAbstract, who: Requester, rejection: RateLimiterRes | undefined): RateLimiterRes | undefined {
    if (rejection?.consumedPoints === limiter.points + 1) this.refused(name, who, rejection.msBeforeNext);
    return rejection;
  }

  /** Milliseconds `key` must still wait when it is over `name`'s limit (blocked), else 0. */
  async #blocked(name: LimitName, key: string): Promise<number> {
    const limiter = this.#limiters[name];
    const state = await limiter.get(key);
    return state !== null && state.consumedPoints > limiter.points ? state.msBeforeNext : 0;
  }

  /** Counts a wrong signature; the one that reaches the limit blocks `key` for the backoff, doubled for each earlier block today. */
  async #fail(name: LimitName, key: string, who: Requester): Promise<void> {
    const limiter = this.#limiters[name];
    const consumed = await limiter.consume(key).then(
      (state) => state.consumedPoints,
      (rejection: unknown) => {
        if (rejection instanceof RateLimiterRes) return rejection.consumedPoints;
        throw rejection;
      },
    );
    if (consumed !== limiter.points) return;
    const strikes = await this.#strikes.penalty(`${name}:${key}`);
    const waitMs = Math.min(this.config.failedLoginBackoffMs * 2 ** (strikes.consumedPoints - 1), DAY_MS);
    this.refused(name, who, waitMs);
    await limiter.block(key, Math.ceil(waitMs / 1000));
  }
}

/**
 * Consumes `count` points for `key` at once and answers each as `count` consumes one after
 * another would have: the counter ends where theirs would (refusals count too), the first
 * checks up to the limit pass and the rest are refused, each with its own consumed points (so
 * the one just past the limit is the one logged). A key blocked outright (in this node's
 * memory once over, or for wrong signatures) refuses them all.
 */
async function consumeTogether(limiter: RateLimiterAbstract, key: string, count: number): Promise<(RateLimiterRes | undefined)[]> {
  const { state, refused } = await limiter.consume(key, count).then(
    (passed) => ({ state: passed, refused: false }),
    (rejection: unknown) => {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return { state: rejection, refused: true };
    },
  );
  const blocked = refused && state.consumedPoints <= limiter.points;
  return Array.from({ length: count }, (_, index) => {
    if (blocked) return state;
    const consumed = state.consumedPoints - count + index + 1;
    return consumed > limiter.points ? new RateLimiterRes(0, state.msBeforeNext, consumed, false) : undefined;
  });
}

function limiter(name: string, points: number, duration: number, prefix: string, redis: RedisClient | undefined): RateLimiterAbstract {
  const memory = new TimerlessRateLimiterMemory({ keyPrefix: name, points, duration });
  if (redis === undefined) return memory;
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}:limit:${name}`,
    points,
    duration,
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
    // Once over, a key is refused from this node's memory until its window ends: a flood past
    // the limit costs no Redis round trips.
    ...(points < Number.MAX_SAFE_INTEGER ? { inMemoryBlockOnConsumed: points + 1 } : {}),
  });
}

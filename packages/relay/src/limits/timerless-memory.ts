import { RateLimiterMemory, RateLimiterRes, type IRateLimiterOptions } from "rate-limiter-flexible";

/** How often, at most, a write also drops every expired key. */
const SWEEP_INTERVAL_MS = 10_000;

interface Entry {
  value: number;
  /** Epoch milliseconds; null for a key that never expires. */
  readonly expiresAt: number | null;
}

/**
 * rate-limiter-flexible's in-memory storage, same methods and answers, without a timer per
 * key: a key past its expiry reads as absent and is dropped when read, or by the sweep a write
 * runs every `SWEEP_INTERVAL_MS`. The library's storage arms a `setTimeout` for every key, and
 * a guest's login makes one (its name's per-minute count): a timer, a closure and a record of
 * about 300 bytes for each connection that logged in in the last minute.
 */
class TimerlessStorage {
  /** What RateLimiterMemory's `dump` reads. */
  readonly _storage = new Map<string, Entry>();
  #nextSweepAt = 0;

  incrby(key: string, value: number, durationSec: number): RateLimiterRes {
    const now = Date.now();
    const entry = this.#live(key, now);
    if (entry === undefined) return this.set(key, value, durationSec);
    entry.value = Math.trunc(entry.value + value);
    return answer(entry, now);
  }

  /**
   * `incrby` for the per-message path: undefined while the key's count stays within `limit`,
   * else the count as `incrby` would answer it. A yes for a key already counted allocates nothing.
   */
  incrbyWithin(key: string, value: number, durationSec: number, limit: number): RateLimiterRes | undefined {
    const now = Date.now();
    const entry = this.#live(key, now);
    if (entry === undefined) {
      const state = this.set(key, value, durationSec);
      return state.consumedPoints > limit ? state : undefined;
    }
    entry.value = Math.trunc(entry.value + value);
    if (entry.value <= limit) return undefined;
    return answer(entry, now);
  }

  set(key: string, value: number, durationSec: number): RateLimiterRes {
    const now = Date.now();
    const durationMs = durationSec * 1000;
    const entry: Entry = { value: Math.trunc(value), expiresAt: durationMs > 0 ? now + durationMs : null };
    this._storage.set(key, entry);
    this.#sweep(now);
    return new RateLimiterRes(0, durationMs > 0 ? durationMs : -1, entry.value, true);
  }

  get(key: string): RateLimiterRes | null {
    const now = Date.now();
    const entry = this.#live(key, now);
    if (entry === undefined) return null;
    return answer(entry, now);
  }

  delete(key: string): boolean {
    return this._storage.delete(key);
  }

  /** What RateLimiterMemory's `restore` calls for each dumped key. */
  _restoreRecord(key: string, value: number, expiresAt: number | null): void {
    if (expiresAt !== null && !(Number.isFinite(expiresAt) && expiresAt > Date.now())) return;
    this._storage.set(key, { value: Math.trunc(value), expiresAt });
  }

  #live(key: string, now: number): Entry | undefined {
    const entry = this._storage.get(key);
    if (entry === undefined || !expired(entry, now)) return entry;
    this._storage.delete(key);
    return undefined;
  }

  #sweep(now: number): void {
    if (now < this.#nextSweepAt) return;
    this.#nextSweepAt = now + SWEEP_INTERVAL_MS;
    for (const [key, entry] of this._storage) if (expired(entry, now)) this._storage.delete(key);
  }
}

/** What the library's storage answers for an existing key. */
function answer(entry: Entry, now: number): RateLimiterRes {
  return new RateLimiterRes(0, entry.expiresAt === null ? -1 : entry.expiresAt - now, entry.value, false);
}

function expired(entry: Entry, now: number): boolean {
  return entry.expiresAt !== null && entry.expiresAt <= now;
}

/**
 * A RateLimiterMemory on `TimerlessStorage`: the same limiter, without a timer per key.
 *
 * @example
 * const logins = new TimerlessRateLimiterMemory({ keyPrefix: "logins", points: 10, duration: 60 });
 */
export class TimerlessRateLimiterMemory extends RateLimiterMemory {
  readonly #storage = new TimerlessStorage();

  constructor(options: IRateLimiterOptions) {
    // `consumeNow` neither blocks past the window nor spreads points out.
    if ((options.blockDuration ?? 0) > 0 || options.execEvenly === true) throw new RangeError("blockDuration and execEvenly are not supported here");
    super(options);
    const limiter = this as unknown as { _memoryStorage?: unknown };
    // Loud, so that a library upgrade that renames it fails the tests instead of keeping timers.
    if (limiter._memoryStorage === undefined) throw new Error("rate-limiter-flexible has no _memoryStorage to replace");
    limiter._memoryStorage = this.#storage;
  }

  /**
   * `consume(key, points)` in the caller's turn, for the per-message path: undefined when the
   * points were taken, else the refusal `consume` rejects with. Same storage and keys as every
   * other method, so the two may be mixed; no promise, which a message's check would pay for.
   *
   * @example
   * const refusal = limiter.consumeNow("alice"); // undefined, or a RateLimiterRes with msBeforeNext
   */
  consumeNow(key: string, points = 1): RateLimiterRes | undefined {
    const state = this.#storage.incrbyWithin(this.getKey(key), points, this.duration, this.points);
    if (state === undefined) return undefined;
    // As `consume` rejects: nothing remains.
    return new RateLimiterRes(0, state.msBeforeNext, state.consumedPoints, state.isFirstInDuration);
  }

  /**
   * The storage is this limiter's alone, so its keys need no prefix: a key is stored as given.
   * The library's `${keyPrefix}:${key}` made a new string on every check, which the map then
   * had to hash afresh (three quarters of a check's cost); the caller's key (a name's key, an
   * address) is one string, hashed once.
   */
  override getKey(key: string | number): string {
    return String(key);
  }

  override parseKey(rlKey: string): string {
    return rlKey;
  }
}

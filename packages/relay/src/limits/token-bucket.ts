/**
 * One connection's event allowance: up to `burst` events at once, refilled at `perSecond`.
 * Synchronous and two numbers per connection, because it runs on every event a client sends,
 * before the event is queued (a promise here would let a later disconnect overtake it).
 *
 * @example
 * const bucket = new TokenBucket(100, 500, Date.now);
 * if (!bucket.take()) refuse(bucket.waitMs());
 */
export class TokenBucket {
  #tokens: number;
  #at: number;
  #refusedInARow = 0;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: () => number,
  ) {
    this.#tokens = burst;
    this.#at = clock();
  }

  /** Takes one token; false (and nothing taken) when the bucket is empty. */
  take(): boolean {
    const now = this.clock();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) * this.perSecond) / 1000);
    this.#at = now;
    if (this.#tokens < 1) {
      this.#refusedInARow += 1;
      return false;
    }
    this.#tokens -= 1;
    this.#refusedInARow = 0;
    return true;
  }

  /** How many takes in a row were refused (0 after one that was not). */
  get refusedInARow(): number {
    return this.#refusedInARow;
  }

  /** Milliseconds until the next token. */
  waitMs(): number {
    return Math.ceil(((1 - this.#tokens) * 1000) / this.perSecond);
  }
}

// Redis out of memory: with `maxmemory` and the `noeviction` policy it refuses every write with
// "OOM command not allowed when used memory > 'maxmemory'". A script is refused at its first
// write, so nothing is left half-done; the store only has to say so (STORE_FULL, /healthz 503)
// and notice when writes succeed again.
import type { RedisClient } from "./scripts.js";

const OUT_OF_MEMORY = /\bOOM command not allowed\b/;

/** How often a full store tries a write, to learn that it takes writes again. */
export const FULL_PROBE_INTERVAL_MS = 1_000;
/** The probe key outlives no probe by long: it never adds up to anything. */
const PROBE_TTL_MS = 10_000;

/**
 * Remembers that Redis refused a write for want of memory, until a cheap write (one small key
 * with a TTL, every `FULL_PROBE_INTERVAL_MS`) succeeds.
 *
 * @example
 * const fullness = new Fullness(redis, "pigeon:probe");
 * if (fullness.check(error)) throw new RelayError("STORE_FULL", "...");
 */
export class Fullness {
  #probe: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly probeKey: string,
  ) {}

  /** True while the last write was refused and no probe has succeeded since. */
  get full(): boolean {
    return this.#probe !== undefined;
  }

  /** Whether `error` is Redis's out-of-memory refusal; if so, the store is full from now. */
  check(error: unknown): boolean {
    if (!(error instanceof Error) || !OUT_OF_MEMORY.test(error.message)) return false;
    this.#probe ??= setInterval(() => void this.#tryWrite(), FULL_PROBE_INTERVAL_MS).unref();
    return true;
  }

  /** Stops probing. */
  stop(): void {
    clearInterval(this.#probe);
    this.#probe = undefined;
  }

  async #tryWrite(): Promise<void> {
    try {
      await this.redis.set(this.probeKey, "1", "PX", PROBE_TTL_MS);
      this.stop();
    } catch {
      // Still full, or unreachable (which `healthy()` reports): try again next interval.
    }
  }
}

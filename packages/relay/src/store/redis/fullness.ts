// Redis refuses every write, with nothing left half-done (a script is refused at its first write),
// in two cases an operator must fix: out of memory ("OOM command not allowed when used memory >
// 'maxmemory'", with `maxmemory` and the `noeviction` policy), and unable to save to its disk
// ("MISCONF ...": a snapshot failed while `stop-writes-on-bgsave-error` is on, the default with
// save points, or the append-only file could not be written; a full disk, most often). The store
// only has to say so (STORE_FULL, /healthz 503) and notice when writes succeed again.
import type { FullReason } from "../relay-store.js";
import type { RedisClient } from "./scripts.js";

const REFUSALS: readonly (readonly [RegExp, FullReason])[] = [
  [/\bOOM command not allowed\b/, "out of memory"],
  [/\bMISCONF\b/, "cannot save to its disk"],
];

/** How often a full store tries a write, to learn that it takes writes again. */
export const FULL_PROBE_INTERVAL_MS = 1_000;
/** The probe key outlives no probe by long: it never adds up to anything. */
const PROBE_TTL_MS = 10_000;

/**
 * Remembers that Redis refused a write (out of memory, or unable to save), and why, until a
 * cheap write (one small key with a TTL, every `FULL_PROBE_INTERVAL_MS`) succeeds.
 *
 * @example
 * const fullness = new Fullness(redis, "pigeon:probe");
 * if (fullness.check(error)) throw new RelayError("STORE_FULL", "...");
 */
export class Fullness {
  #probe: NodeJS.Timeout | undefined;
  #reason: FullReason | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly probeKey: string,
  ) {}

  /** Why the last write was refused, while no probe has succeeded since. */
  get reason(): FullReason | undefined {
    return this.#reason;
  }

  /** Whether `error` is one of Redis's refusals of every write; if so, the store is full from now. */
  check(error: unknown): boolean {
    if (!(error instanceof Error)) return false;
    const reason = REFUSALS.find(([pattern]) => pattern.test(error.message))?.[1];
    if (reason === undefined) return false;
    this.#reason = reason;
    this.#probe ??= setInterval(() => void this.#tryWrite(), FULL_PROBE_INTERVAL_MS).unref();
    return true;
  }

  /** Stops probing. */
  stop(): void {
    clearInterval(this.#probe);
    this.#probe = undefined;
    this.#reason = undefined;
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

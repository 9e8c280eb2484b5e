import * as hdr from "hdr-histogram-js";

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

// Microseconds, up to a minute; three significant digits.
const HIGHEST_TRACKABLE_MICROS = 60_000_000;

/**
 * A latency histogram (HdrHistogram) recording microseconds.
 *
 * @example
 * const latency = new LatencyHistogram();
 * latency.recordMicros(1_250);
 * latency.summary().p99Ms // 1.25
 */
export class LatencyHistogram {
  readonly #histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_MICROS,
    numberOfSignificantValueDigits: 3,
  });

  /** Records one latency; values past a minute count as a minute, negatives as zero. */
  recordMicros(micros: number): void {
    this.#histogram.recordValue(Math.min(Math.max(Math.round(micros), 0), HIGHEST_TRACKABLE_MICROS));
  }

  /** Adds every value of another histogram. */
  add(other: LatencyHistogram): void {
    this.#histogram.add(other.#histogram);
  }

  get count(): number {
    return this.#histogram.totalCount;
  }

  summary(): LatencySummary {
    const at = (percentile: number) => this.#histogram.getValueAtPercentile(percentile) / 1000;
    return {
      count: this.#histogram.totalCount,
      p50Ms: at(50),
      p99Ms: at(99),
      p999Ms: at(99.9),
      maxMs: this.#histogram.maxValue / 1000,
    };
  }
}

/** Microseconds on the harness's monotonic clock (performance.now), shared by senders and probes. */
export function nowMicros(): number {
  return Math.round(performance.now() * 1000);
}

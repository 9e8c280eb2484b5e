import { LatencyHistogram, nowMicros } from "../measure/histogram.js";

/** What opening many clients took. */
export interface OpenReport<T> {
  readonly clients: T[];
  /** Time from starting each client's setup to its end (connect, login, join). */
  readonly setupLatency: LatencyHistogram;
  readonly wallSeconds: number;
}

/** What opening clients took, up to the first failure. */
export interface OpenUpToReport<T> extends OpenReport<T> {
  /** The first setup that failed, in words (none when every one succeeded). */
  readonly failure?: string;
}

/**
 * Sets up `count` clients with at most `concurrency` in flight at once (a ramp, not a SYN
 * flood), in index order. Fails fast: the first setup that fails rejects the whole ramp, after
 * closing what was opened.
 *
 * @example
 * const { clients } = await openMany(1000, 200, (i) => setUpMember(i), (c) => c.close());
 */
export async function openMany<T>(
  count: number,
  concurrency: number,
  setUp: (index: number) => Promise<T>,
  close: (client: T) => void,
): Promise<OpenReport<T>> {
  const report = await openUpTo(count, concurrency, setUp);
  if (report.failureCause !== undefined) {
    for (const client of report.clients) close(client);
    const cause = report.failureCause;
    throw cause instanceof Error ? cause : new Error("client setup failed", { cause });
  }
  return { clients: report.clients, setupLatency: report.setupLatency, wallSeconds: report.wallSeconds };
}

/**
 * As `openMany`, but the first failure only stops the ramp: the clients opened by then (and
 * those already in flight that succeed) are kept, and the failure is reported, so a workload can
 * say where it stopped and why.
 *
 * @example
 * const { clients, failure } = await openUpTo(50_000, 200, (i) => setUpMember(i));
 */
export async function openUpTo<T>(
  count: number,
  concurrency: number,
  setUp: (index: number) => Promise<T>,
): Promise<OpenUpToReport<T> & { readonly failureCause?: unknown }> {
  const clients: (T | undefined)[] = new Array<T | undefined>(count);
  const setupLatency = new LatencyHistogram();
  const started = performance.now();
  let next = 0;
  let failure: { cause: unknown } | undefined;
  const worker = async () => {
    while (next < count && failure === undefined) {
      const index = next;
      next += 1;
      const begin = nowMicros();
      try {
        clients[index] = await setUp(index);
        setupLatency.recordMicros(nowMicros() - begin);
      } catch (error) {
        failure ??= { cause: error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const opened = clients.filter((client): client is T => client !== undefined);
  const wallSeconds = (performance.now() - started) / 1000;
  if (failure === undefined) return { clients: opened, setupLatency, wallSeconds };
  const { cause } = failure;
  return { clients: opened, setupLatency, wallSeconds, failure: cause instanceof Error ? cause.message : String(cause), failureCause: cause };
}

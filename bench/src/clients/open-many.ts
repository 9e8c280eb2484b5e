import { LatencyHistogram, nowMicros } from "../measure/histogram.js";

/** What opening many clients took. */
export interface OpenReport<T> {
  readonly clients: T[];
  /** Time from starting each client's setup to its end (connect, login, join). */
  readonly setupLatency: LatencyHistogram;
  readonly wallSeconds: number;
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
  const clients: (T | undefined)[] = new Array<T | undefined>(count);
  const setupLatency = new LatencyHistogram();
  const started = performance.now();
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < count && failure === undefined) {
      const index = next;
      next += 1;
      const begin = nowMicros();
      try {
        clients[index] = await setUp(index);
        setupLatency.recordMicros(nowMicros() - begin);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (failure !== undefined) {
    for (const client of clients) if (client !== undefined) close(client);
    throw failure instanceof Error ? failure : new Error("client setup failed", { cause: failure });
  }
  const opened = clients.filter((client): client is T => client !== undefined);
  return { clients: opened, setupLatency, wallSeconds: (performance.now() - started) / 1000 };
}

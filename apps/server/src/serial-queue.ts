/**
 * Runs one connection's events one after another, in arrival order. Handlers await the store,
 * and a client may send `login`, `join` and `chat` without waiting for acks (the seed
 * tutorial's client does), so without this a `chat` could overtake the `join` before it.
 * The queue is bounded: a client that floods gets refused instead of growing server memory.
 * A task that throws is reported to `onError` and does not stop the tasks after it.
 *
 * @example
 * const queue = new SerialQueue(256, (error) => logger.error({ err: error }));
 * if (!queue.push(() => handle(event))) refuse(event);
 */
export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;

  constructor(
    private readonly maxPending: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Queues a task; false (and nothing queued) when `maxPending` tasks are already waiting. */
  push(task: () => Promise<void>): boolean {
    if (this.#pending >= this.maxPending) return false;
    this.pushAlways(task);
    return true;
  }

  /** Queues a task whatever the bound (cleanup after a disconnect must always run). */
  pushAlways(task: () => Promise<void>): void {
    this.#pending += 1;
    this.#tail = this.#tail
      .then(task)
      .catch(this.onError)
      .finally(() => {
        this.#pending -= 1;
      });
  }

  /** Resolves once everything queued so far has run; never rejects. */
  drain(): Promise<void> {
    return this.#tail;
  }
}

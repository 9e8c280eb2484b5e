type Task = () => Promise<void>;

/**
 * Runs one connection's events one after another, in arrival order. Handlers await the store,
 * and a client may send `login`, `join` and `chat` without waiting for acks (the seed
 * tutorial's client does), so without this a `chat` could overtake the `join` before it.
 * The queue is bounded: a client that floods gets refused instead of growing server memory.
 * A task that throws is reported to `onError` and does not stop the tasks after it.
 *
 * An idle queue starts a task at once, in the caller's turn: most connections send one event
 * at a time, and chaining a promise per event would cost each of them.
 *
 * @example
 * const queue = new SerialQueue(256, (error) => logger.error({ err: error }));
 * if (!queue.push(() => handle(event))) refuse(event);
 */
export class SerialQueue {
  readonly #waiting: Task[] = [];
  #running = false;
  #idle: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(
    private readonly maxPending: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Queues a task; false (and nothing queued) when `maxPending` tasks are already running or waiting. */
  push(task: Task): boolean {
    if (this.#waiting.length + (this.#running ? 1 : 0) >= this.maxPending) return false;
    this.pushAlways(task);
    return true;
  }

  /** Queues a task whatever the bound (cleanup after a disconnect must always run). */
  pushAlways(task: Task): void {
    if (this.#running) this.#waiting.push(task);
    else void this.#run(task);
  }

  /** Resolves once everything queued so far has run; never rejects. */
  drain(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    if (this.#idle === undefined) {
      let resolve = () => {};
      const promise = new Promise<void>((done) => (resolve = done));
      this.#idle = { promise, resolve };
    }
    return this.#idle.promise;
  }

  // The first task comes as an argument, so that an idle queue's array is never touched: an
  // empty array literal has no backing store, and thousands of idle connections each keep one.
  async #run(first: Task): Promise<void> {
    this.#running = true;
    for (let task: Task | undefined = first; task !== undefined; task = this.#waiting.shift()) {
      try {
        await task();
      } catch (error) {
        this.onError(error);
      }
    }
    this.#running = false;
    // After a burst the array keeps its capacity; emptied this way V8 lets it go.
    this.#waiting.length = 0;
    this.#idle?.resolve();
    this.#idle = undefined;
  }
}

import { Order, UNORDERED } from "../handlers/order.js";

type Task = (order: Order) => Promise<void>;

interface Waiting {
  readonly task: Task;
  readonly overlaps: boolean;
}

/**
 * Runs one connection's events in arrival order. Handlers await the store, and a client may
 * send `login`, `join` and `chat` without waiting for acks (the seed tutorial's client does),
 * so without this a `chat` could overtake the `join` before it. Most events run alone: one
 * starts only once everything before it has finished. Events that overlap (a connection's
 * messages) may start while the messages before them still run, so that a client's messages
 * in flight share the store's round trips instead of waiting for each other's; each gets an
 * `Order` through which it takes its ordered steps (its store write, its broadcast, its answer)
 * after the message before it. An event that runs alone still waits for every message before
 * it, and the messages after it wait for it.
 *
 * The queue is bounded: a client that floods gets refused instead of growing server memory.
 * A task that throws is reported to `onError` and does not stop the tasks after it.
 *
 * An idle queue starts a task at once, in the caller's turn: most connections send one event
 * at a time, and chaining a promise per event would cost each of them.
 *
 * @example
 * const queue = new SerialQueue(256, (error) => logger.error({ err: error }));
 * if (!queue.push(() => handle(event))) refuse(event);
 * queue.push((order) => handleMessage(event, order), true); // may overlap the messages before it
 */
export class SerialQueue {
  readonly #waiting: Waiting[] = [];
  /** Tasks started and not finished: one that runs alone, or any number that overlap. */
  #running = 0;
  #alone = false;
  /** The order of the overlapping task started last, while it runs: the next one follows it. */
  #last: Order | undefined;
  #idle: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(
    private readonly maxPending: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /**
   * Queues a task (`overlaps`: it may run alongside the overlapping tasks before it); false,
   * and nothing queued, when `maxPending` tasks are already running or waiting.
   */
  push(task: Task, overlaps = false): boolean {
    if (this.#waiting.length + this.#running >= this.maxPending) return false;
    this.pushAlways(task, overlaps);
    return true;
  }

  /** Queues a task whatever the bound (cleanup after a disconnect must always run). */
  pushAlways(task: Task, overlaps = false): void {
    // The array is touched only when something must wait: an idle queue's stays without a backing store.
    if (this.#waiting.length === 0 && this.#mayStart(overlaps)) this.#start(task, overlaps);
    else this.#waiting.push({ task, overlaps });
  }

  /** Resolves once everything queued so far has run; never rejects. */
  drain(): Promise<void> {
    if (this.#running === 0) return Promise.resolve();
    if (this.#idle === undefined) {
      let resolve = () => {};
      const promise = new Promise<void>((done) => (resolve = done));
      this.#idle = { promise, resolve };
    }
    return this.#idle.promise;
  }

  #mayStart(overlaps: boolean): boolean {
    return this.#running === 0 || (overlaps && !this.#alone);
  }

  #start(task: Task, overlaps: boolean): void {
    this.#running += 1;
    let order = UNORDERED;
    if (overlaps) {
      order = new Order(this.#last);
      this.#last = order;
    } else {
      this.#alone = true;
    }
    void this.#run(task, order, overlaps);
  }

  async #run(task: Task, order: Order, overlaps: boolean): Promise<void> {
    try {
      await task(order);
    } catch (error) {
      this.onError(error);
    }
    if (overlaps) {
      order.finish();
      if (this.#last === order) this.#last = undefined;
    } else {
      this.#alone = false;
    }
    this.#running -= 1;
    for (let next = this.#waiting[0]; next !== undefined && this.#mayStart(next.overlaps); next = this.#waiting[0]) {
      this.#waiting.shift();
      this.#start(next.task, next.overlaps);
    }
    if (this.#running > 0) return;
    // After a burst the array keeps its capacity; emptied this way V8 lets it go.
    this.#waiting.length = 0;
    this.#idle?.resolve();
    this.#idle = undefined;
  }
}

/**
 * Where a task stands against the task before it, for tasks that may overlap (see
 * `SerialQueue`): the steps whose order matters are numbered, and a task takes step `point`
 * only once the task before it has taken it, skipped it or finished. A task with no task before
 * it (or one that overlaps nothing) takes every step at once.
 */
export class Order {
  #previous: Order | undefined;
  #passed = 0;
  #waiters: { readonly point: number; readonly resolve: () => void }[] | undefined;

  constructor(previous?: Order) {
    this.#previous = previous;
  }

  /** Whether step `point` may run now: the task before has passed it. */
  ready(point: number): boolean {
    const previous = this.#previous;
    if (previous === undefined) return true;
    if (previous.#passed < point) return false;
    // Once the task before is finished, nothing of it matters any more: let it go.
    if (previous.#passed === Infinity) this.#previous = undefined;
    return true;
  }

  /** Resolves once step `point` may run. */
  until(point: number): Promise<void> {
    const previous = this.#previous;
    if (previous === undefined || this.ready(point)) return Promise.resolve();
    return new Promise((resolve) => (previous.#waiters ??= []).push({ point, resolve }));
  }

  /** This task is done with every step up to `point`: the task after it may take them. */
  pass(point: number): void {
    if (point <= this.#passed) return;
    this.#passed = point;
    const waiters = this.#waiters;
    if (waiters === undefined) return;
    this.#waiters = waiters.filter((waiter) => waiter.point > point);
    for (const waiter of waiters) if (waiter.point <= point) waiter.resolve();
  }

  /** The task is over: it passes every step, and forgets the task before it. */
  finish(): void {
    this.#previous = undefined;
    this.pass(Infinity);
  }
}

/** An order for a task that overlaps nothing: every step runs at once. */
export const UNORDERED: Order = new Order();

/**
 * Runs `step` as step `point` of a task: at once when `order` allows, else once the task before
 * has passed it; either way the task has passed `point` when `step` returns (a step that starts
 * async work, such as a store write, passes as soon as the work is issued, not when it ends).
 *
 * @example
 * const appended = await inOrder(order, 1, () => store.append(room, entry)); // appends in arrival order
 */
export function inOrder<T>(order: Order, point: number, step: () => T): T | Promise<T> {
  const run = () => {
    try {
      return step();
    } finally {
      order.pass(point);
    }
  };
  return order.ready(point) ? run() : order.until(point).then(run);
}

/**
 * `inOrder` for a step with no result: undefined when it ran at once, else the promise of it,
 * so that the common case (nothing before it) costs no promise job.
 *
 * @example
 * const later = stepInOrder(order, 2, () => { broadcast(message); });
 * if (later !== undefined) await later;
 */
export function stepInOrder(order: Order, point: number, step: () => void): Promise<void> | undefined {
  if (!order.ready(point)) return order.until(point).then(() => stepInOrder(order, point, step));
  try {
    step();
  } finally {
    order.pass(point);
  }
  return undefined;
}

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

// How a connection's overlapping events (its messages) keep their order: the transport's
// queue (`transport/serial-queue.ts`) gives each an `Order`, and handlers take their ordered
// steps through it.

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
  return inOrder<undefined>(order, point, () => {
    step();
    return undefined;
  });
}

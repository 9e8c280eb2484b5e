/**
 * One immutable value and its listeners, as React's `useSyncExternalStore` wants them: the
 * same object until it changes, and one notification per task however many changes it had,
 * and at most one per `spacingMs` (a busy room of 50 messages a second then renders 20 times a
 * second, a few messages at a time, rather than once per message: rendering is what costs).
 *
 * @example
 * const cell = new StateCell({ count: 0 });
 * cell.subscribe(() => console.log(cell.get().count));
 * cell.set({ count: 1 });
 */
export class StateCell<T> {
  #value: T;
  readonly #listeners = new Set<() => void>();
  #scheduled = false;
  #lastNotified = -Infinity;
  readonly #spacingMs: number;

  constructor(initial: T, { spacingMs = 0 }: { spacingMs?: number } = {}) {
    this.#value = initial;
    this.#spacingMs = spacingMs;
  }

  /** The current value. */
  get(): T {
    return this.#value;
  }

  /**
   * Replaces the value (a no-op for the same object); listeners hear of it in a microtask, or
   * once `spacingMs` have passed since they last did.
   */
  set(value: T): void {
    if (value === this.#value) return;
    this.#value = value;
    if (this.#scheduled) return;
    this.#scheduled = true;
    const wait = this.#lastNotified + this.#spacingMs - performance.now();
    if (wait > 0) setTimeout(this.#notify, wait);
    else queueMicrotask(this.#notify);
  }

  readonly #notify = (): void => {
    this.#scheduled = false;
    this.#lastNotified = performance.now();
    for (const listener of [...this.#listeners]) listener();
  };

  /** Adds a listener; returns a function that removes it. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/**
 * One immutable value and its listeners, as React's `useSyncExternalStore` wants them: the
 * same object until it changes, and one notification per task however many changes it had.
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

  constructor(initial: T) {
    this.#value = initial;
  }

  /** The current value. */
  get(): T {
    return this.#value;
  }

  /** Replaces the value (a no-op for the same object); listeners hear of it in a microtask. */
  set(value: T): void {
    if (value === this.#value) return;
    this.#value = value;
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      for (const listener of [...this.#listeners]) listener();
    });
  }

  /** Adds a listener; returns a function that removes it. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/**
 * Runs async operations one at a time, in call order: a failed one does not stop the next.
 *
 * @example
 * const lock = new Serial();
 * await lock.run(async () => group.encrypt(bytes));
 */
export class Serial {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `operation` after every operation started before it has settled. */
  run<T>(operation: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(operation, operation);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * A bounded set of the most recently seen ids, to drop duplicate deliveries without keeping
 * every id forever. The oldest id is forgotten when a new one would exceed `capacity`.
 *
 * @example
 * const seen = new RecentIds(1000);
 * seen.add("m1"); // true: first time
 * seen.add("m1"); // false: a duplicate
 */
export class RecentIds {
  // A Set iterates in insertion order, so its first value is always the oldest.
  readonly #ids = new Set<string>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("capacity must be a positive integer");
  }

  /** Records `id`; returns false when it is already among the recent ones. */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.capacity) {
      const oldest = this.#ids.values().next();
      if (!oldest.done) this.#ids.delete(oldest.value);
    }
    return true;
  }

  /** How many ids are remembered now. */
  get size(): number {
    return this.#ids.size;
  }
}

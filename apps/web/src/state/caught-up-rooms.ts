/** How long a room may take to replay what was held before an unsure message is sent again. */
export const SETTLE_TIMEOUT_MS = 3_000;

/**
 * The rooms whose held messages have all been replayed since the connection came back (their
 * `caughtUp` arrived), and waiters for the others.
 *
 * @example
 * client.on("caughtUp", ({ room }) => rooms.add(room));
 * await rooms.settled("lobby");
 */
export class CaughtUpRooms {
  readonly #rooms = new Set<string>();
  readonly #waiters = new Map<string, Set<() => void>>();

  /** `room` has caught up. */
  add(room: string): void {
    this.#rooms.add(room);
    const waiters = this.#waiters.get(room);
    this.#waiters.delete(room);
    for (const wake of waiters ?? []) wake();
  }

  /** The connection went: every room replays again after the next login. */
  reset(): void {
    this.#rooms.clear();
  }

  /** `room` was left. */
  forget(room: string): void {
    this.#rooms.delete(room);
  }

  /** Resolves once `room` caught up, or after `timeoutMs`. */
  settled(room: string, timeoutMs = SETTLE_TIMEOUT_MS): Promise<void> {
    if (this.#rooms.has(room)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(room) ?? new Set<() => void>();
      this.#waiters.set(room, waiters);
      const wake = (): void => {
        clearTimeout(timer);
        waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      waiters.add(wake);
    });
  }
}

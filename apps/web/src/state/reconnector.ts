/** The first wait before trying to connect again; it doubles up to {@link MAX_RETRY_DELAY_MS}. */
export const FIRST_RETRY_DELAY_MS = 1_000;
/** The longest wait between attempts. */
export const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Tries `attempt` again with exponential backoff until it succeeds or is stopped. socket.io
 * reconnects by itself after a lost connection; this covers what it gives up on (a first
 * connect that failed, a server that closed the connection).
 *
 * @example
 * const retry = new Reconnector(() => client.connect());
 * client.on("state", (state) => (state === "disconnected" ? retry.schedule() : retry.stop()));
 */
export class Reconnector {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;

  constructor(private readonly attempt: () => Promise<void>) {}

  /** Plans the next attempt, unless one is planned. */
  schedule(): void {
    if (this.#timer !== undefined) return;
    const delay = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** this.#failures);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#run();
    }, delay);
  }

  /** Tries at once. */
  now(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#run();
  }

  /** No more attempts (until the next `schedule`), and the backoff starts over. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#failures = 0;
  }

  #run(): void {
    this.attempt().then(
      () => {
        this.#failures = 0;
      },
      () => {
        this.#failures += 1;
        this.schedule();
      },
    );
  }
}

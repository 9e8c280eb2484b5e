/** Event names mapped to the payload their listeners receive. */
export type EventMap = Record<string, unknown>;

/** A listener of one event. */
export type Listener<T> = (payload: T) => void;

/**
 * A minimal typed event emitter: each event name has exactly one payload type. A listener
 * that throws is reported to `onListenerError` and never breaks the emitter or other listeners.
 *
 * @example
 * const events = new TypedEmitter<{ tick: number }>();
 * const stop = events.on("tick", (n) => console.log(n));
 * stop();
 */
export class TypedEmitter<Events extends EventMap> {
  readonly #listeners: { [E in keyof Events]?: Set<Listener<Events[E]>> } = {};
  readonly #onListenerError: (event: string, error: unknown) => void;

  constructor(onListenerError: (event: string, error: unknown) => void = () => undefined) {
    this.#onListenerError = onListenerError;
  }

  /**
   * Calls `listener` on every `event`. Returns a function that removes it.
   *
   * @example
   * const stop = client.on("message", (m) => console.log(m.message));
   */
  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): () => void {
    const listeners = this.#listeners[event] ?? new Set<Listener<Events[E]>>();
    this.#listeners[event] = listeners;
    listeners.add(listener);
    return () => {
      this.off(event, listener);
    };
  }

  /**
   * Calls `listener` on the next `event` only. Returns a function that removes it.
   *
   * @example
   * client.once("hello", (hello) => console.log(hello.serverId));
   */
  once<E extends keyof Events>(event: E, listener: Listener<Events[E]>): () => void {
    const stop = this.on(event, (payload) => {
      stop();
      listener(payload);
    });
    return stop;
  }

  /**
   * Removes a listener added with {@link TypedEmitter.on}.
   *
   * @example
   * client.off("message", print);
   */
  off<E extends keyof Events>(event: E, listener: Listener<Events[E]>): void {
    this.#listeners[event]?.delete(listener);
  }

  /** Calls every listener of `event`, in the order they were added. */
  protected emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    // A copy, so that listeners may add or remove listeners while being called.
    for (const listener of [...(this.#listeners[event] ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        this.#onListenerError(String(event), error);
      }
    }
  }
}

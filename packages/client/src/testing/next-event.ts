import type { ClientEventMap, PigeonClient } from "../index.js";

const WAIT_LIMIT_MS = 5_000;

/**
 * Resolves with the next `event` of `client` that satisfies `accept`. Rejects after a
 * bounded wait so that a missing event fails the test instead of hanging it.
 */
export function nextEvent<E extends keyof ClientEventMap>(
  client: PigeonClient,
  event: E,
  accept: (payload: ClientEventMap[E]) => boolean = () => true,
): Promise<ClientEventMap[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no matching "${event}" event within ${WAIT_LIMIT_MS} ms`));
    }, WAIT_LIMIT_MS);
    const stop = client.on(event, (payload) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      stop();
      resolve(payload);
    });
  });
}

/** Collects every `event` of `client` into an array, for assertions after the fact. */
export function record<E extends keyof ClientEventMap>(client: PigeonClient, event: E): ClientEventMap[E][] {
  const seen: ClientEventMap[E][] = [];
  client.on(event, (payload) => seen.push(payload));
  return seen;
}

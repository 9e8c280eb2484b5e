import type { ClientEventMap, PigeonClient } from "../index.js";

const WAIT_LIMIT_MS = 5_000;

/**
 * Resolves with the next `event` of `client` that satisfies `accept`. Rejects after `limitMs`
 * so that a missing event fails the test instead of hanging it. Call it before the action
 * that causes the event.
 *
 * @example
 * const offline = nextEvent(alice, "members", (e) => e.members.some((m) => m.name === "bob" && !m.online));
 */
export function nextEvent<E extends keyof ClientEventMap>(
  client: PigeonClient,
  event: E,
  accept: (payload: ClientEventMap[E]) => boolean = () => true,
  limitMs = WAIT_LIMIT_MS,
): Promise<ClientEventMap[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no matching "${event}" event within ${limitMs} ms`));
    }, limitMs);
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

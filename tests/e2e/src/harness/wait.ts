import type { ClientEventMap, PigeonClient } from "@pigeon/client";

const DEFAULT_LIMIT_MS = 30_000;
const POLL_INTERVAL_MS = 20;

/**
 * Resolves once `condition` holds, checking every few milliseconds; rejects after `limitMs`
 * with `describe()` in the message. For state that no event announces (Redis, /healthz).
 *
 * @example
 * await waitUntil(async () => (await health(node)).status === 503, () => "node still healthy", 5_000);
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  describe: () => string | Promise<string>,
  limitMs = DEFAULT_LIMIT_MS,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${limitMs} ms: ${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/**
 * The next `event` of `client` that `accept` takes; rejects after `limitMs`, so that a missing
 * event fails the test instead of hanging it. Call it before the action that causes the event.
 *
 * @example
 * const offline = nextEvent(alice, "members", (e) => e.members.some((m) => m.name === "bob" && !m.online));
 */
export function nextEvent<E extends keyof ClientEventMap>(
  client: PigeonClient,
  event: E,
  accept: (payload: ClientEventMap[E]) => boolean = () => true,
  limitMs = 10_000,
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

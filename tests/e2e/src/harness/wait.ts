import type { ClientEventMap, PigeonClient } from "@pigeon/client";
import { nextEvent as nextClientEvent } from "@pigeon/client/testing";

const EVENT_LIMIT_MS = 10_000;

/** Waits as the client's tests do (30 s at most by default). */
export { waitUntil } from "@pigeon/client/testing";

/**
 * The next `event` of `client` that `accept` takes, as in the client's tests but waiting up to
 * 10 s by default: events here may cross nodes and Redis.
 *
 * @example
 * const offline = nextEvent(alice, "members", (e) => e.members.some((m) => m.name === "bob" && !m.online));
 */
export function nextEvent<E extends keyof ClientEventMap>(
  client: PigeonClient,
  event: E,
  accept: (payload: ClientEventMap[E]) => boolean = () => true,
  limitMs = EVENT_LIMIT_MS,
): Promise<ClientEventMap[E]> {
  return nextClientEvent(client, event, accept, limitMs);
}

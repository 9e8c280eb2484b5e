import type { RelayContext, RelaySocket } from "../context.js";
import { replay } from "./replay.js";

/** How long after a failed catch-up (the store's own client may still be reconnecting) it is tried again. */
const CATCH_UP_RETRY_MS = 1_000;
/** How many identities are caught up at once: enough to keep Redis busy, few enough not to flood it as it comes back. */
const CONCURRENT_IDENTITIES = 16;

/**
 * What a node runs once it hears other nodes' broadcasts again after its Redis subscriber was
 * away (a dropped link, a Redis restart). Redis pub/sub keeps nothing for a subscriber that is
 * gone, so what other nodes broadcast meanwhile reached nobody here; the entries are in the store
 * until every member has them. Each keyed member connected here gets what its rooms hold after
 * its cursor, exactly as after a login: what it had already comes again and is dropped by seq.
 * A guest has no cursor, and misses what it would have missed while disconnected.
 *
 * A failed round is tried again every second for the identities still connected here, until
 * it succeeds or a newer round (the next time the subscriber is back) takes over.
 *
 * @example
 * const catchUp = memberCatchUp(context);
 * adapter.onResubscribed(catchUp);
 */
export function memberCatchUp(context: RelayContext): () => void {
  let round = 0;
  return () => {
    round += 1;
    const mine = round;
    const superseded = () => round !== mine;
    void eachAtMost(CONCURRENT_IDENTITIES, [...keyedSockets(context)], ([name, sockets]) => catchUpIdentity(context, name, sockets, superseded));
  };
}

/** The keyed connections here, by identity name. */
function keyedSockets(context: RelayContext): Map<string, RelaySocket[]> {
  const byName = new Map<string, RelaySocket[]>();
  for (const socket of context.io.of("/").sockets.values()) {
    const { kind, name } = socket.data;
    if (kind !== "keyed" || name === undefined) continue;
    const sockets = byName.get(name);
    if (sockets) sockets.push(socket);
    else byName.set(name, [socket]);
  }
  return byName;
}

async function catchUpIdentity(context: RelayContext, name: string, sockets: readonly RelaySocket[], superseded: () => boolean): Promise<void> {
  for (;;) {
    const connected = sockets.filter((socket) => socket.connected);
    if (connected.length === 0 || superseded()) return;
    try {
      const memberships = await context.store.memberships(name);
      for (const socket of connected) {
        for (const { room, acked } of memberships) {
          if (socket.connected && socket.data.rooms.includes(room)) await replay(context, socket, room, acked);
        }
      }
      return;
    } catch (error) {
      context.logger.warn({ err: error, connections: connected.length }, "catching up after missed broadcasts failed; retrying");
      await new Promise((resolve) => setTimeout(resolve, CATCH_UP_RETRY_MS).unref());
    }
  }
}

/** Runs `work` on every item, at most `limit` at a time. */
async function eachAtMost<T>(limit: number, items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let item = items[next++]; item !== undefined; item = items[next++]) await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

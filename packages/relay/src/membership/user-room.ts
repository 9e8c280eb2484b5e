import type { RelayContext } from "../context.js";
import { nameKey } from "../store/relay-store.js";

/**
 * The socket.io room that holds every connection of a keyed identity (all its devices).
 * Receipts go there; guests, who get none, are not put in one.
 *
 * @example
 * io.to(userRoom("alice")).emit("receipts", payload);
 */
export function userRoom(name: string): string {
  // Chat rooms cannot contain ":" (see the protocol's Room), so these never collide with them.
  return `user:${nameKey(name)}`;
}

/**
 * Takes every connection of a keyed identity, on every node, out of `room`'s broadcasts, and
 * resolves once this node has applied it. socket.io's `socketsLeave` does not wait: the Redis
 * adapter publishes to the other nodes first and removes this node's sockets only when Redis
 * answers, so a join that came in between (a quick rejoin after the leave's ack) was undone.
 *
 * @example
 * await leaveEverywhere(context, "alice", "lobby");
 */
export async function leaveEverywhere(context: RelayContext, name: string, room: string): Promise<void> {
  const adapter = context.io.of("/").adapter;
  // Typed as returning nothing; the cluster adapters return the promise of the publish.
  const delSockets = adapter.delSockets.bind(adapter) as (...args: Parameters<typeof adapter.delSockets>) => Promise<void> | undefined;
  await delSockets({ rooms: new Set([userRoom(name)]), except: new Set(), flags: {} }, [room]);
}

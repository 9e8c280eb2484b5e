import { nameKey } from "../store/relay-store.js";

/**
 * The socket.io room that holds every connection of one user (all devices of a keyed
 * identity; the one connection of a guest). Receipts go there.
 *
 * @example
 * io.to(userRoom("alice")).emit("receipts", payload);
 */
export function userRoom(name: string): string {
  // Chat rooms cannot contain ":" (see the protocol's Room), so these never collide with them.
  return `user:${nameKey(name)}`;
}

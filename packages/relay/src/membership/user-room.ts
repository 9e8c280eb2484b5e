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

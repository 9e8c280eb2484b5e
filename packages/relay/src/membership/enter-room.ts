import type { RelayContext, RelaySocket } from "../context.js";

/**
 * Puts `socket` in `room`'s broadcasts, on this node and from every other: whatever is sent to
 * the room once this resolves reaches the socket live. Joins and logins call it before they
 * read a cursor, so that each message is either after the cursor and live, or replayed.
 *
 * @example
 * await enterRoom(context, socket, "lobby");
 * const acked = await context.store.addMember("lobby", name, context.clock());
 */
export async function enterRoom(context: RelayContext, socket: RelaySocket, room: string): Promise<void> {
  await socket.join(room);
  await context.roomReady(room);
}

import type { RelayContext, RelaySocket } from "../context.js";
import { releaseConnection } from "../membership/release.js";

/**
 * Forgets a closed connection: its presence in each room, then its hold on the name (retried
 * until the store takes it). A keyed identity stays a member of its rooms; its away-time
 * starts now.
 */
export async function disconnect(context: RelayContext, socket: RelaySocket): Promise<void> {
  const { name, rooms } = socket.data;
  if (name === undefined) return;
  socket.data.rooms = [];
  await releaseConnection(context, name, socket.id, rooms);
}

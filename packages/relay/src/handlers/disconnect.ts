import type { RelayContext, RelaySocket } from "../context.js";

/**
 * Forgets a closed connection: its presence in each room, then its hold on the name. A keyed
 * identity stays a member of its rooms; its away-time starts now.
 */
export async function disconnect(context: RelayContext, socket: RelaySocket): Promise<void> {
  const { name, rooms } = socket.data;
  if (name === undefined) return;
  socket.data.rooms = [];
  for (const room of rooms) {
    await context.store.removePresence(room, name, socket.id);
    // Offline, gone (a guest), or still online through another device: the flush reads which.
    context.memberChanges.changed(room, name);
  }
  await context.store.releaseName(name, socket.id, context.clock());
}

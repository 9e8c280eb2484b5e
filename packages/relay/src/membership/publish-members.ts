import type { Member, RoomMode } from "@pigeon/protocol";
import type { RelayContext, RelaySocket } from "../context.js";

/**
 * Sends the room its whole member list and mode, and returns the list. For rare bulk changes (a
 * sweep, a dead node); everything else goes through `context.memberChanges`.
 */
export async function publishMembers({ io, store }: RelayContext, room: string): Promise<Member[]> {
  const [members, mode] = await Promise.all([store.members(room), store.roomMode(room)]);
  io.to(room).emit("members", { room, members, ...(mode === undefined ? {} : { mode }) });
  return members;
}

/**
 * A connection joined (or resumed) a room: it gets the whole list and the room's mode now, and
 * the room hears of the name in its next `memberChanges`.
 */
export async function announceJoin(context: RelayContext, socket: RelaySocket, room: string, name: string, mode: RoomMode): Promise<Member[]> {
  const members = await context.store.members(room);
  socket.emit("members", { room, members, mode });
  context.memberChanges.changed(room, name);
  return members;
}

import type { Member, MemberEvent } from "@pigeon/protocol";
import type { RelayContext, RelaySocket } from "../context.js";

/**
 * Sends the room its whole member list, and returns it. For changes that the store must
 * resolve (a disconnect: is the name still online through another connection?) and rare
 * bulk changes (a sweep, a dead node).
 */
export async function publishMembers({ io, store }: RelayContext, room: string): Promise<Member[]> {
  const members = await store.members(room);
  io.to(room).emit("members", { room, members });
  return members;
}

/**
 * A member came online or left: the others in the room hear just that change, and the
 * connection that joined gets the whole list. Filling a room of n thus costs O(n) events
 * of constant size for everyone already there, not n lists of up to n names each.
 */
export async function announceJoin(context: RelayContext, socket: RelaySocket, room: string, name: string): Promise<Member[]> {
  const members = await context.store.members(room);
  socket.emit("members", { room, members });
  announce(socket, { room, name, online: true });
  return members;
}

/** Tells the room's other connections one change to its member list. */
export function announce(socket: RelaySocket, change: MemberEvent): void {
  socket.to(change.room).emit("member", change);
}

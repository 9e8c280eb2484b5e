import { announceGroup } from "../membership/group-status.js";
import { leaveEverywhere } from "../membership/user-room.js";
import { defineHandler } from "./define-handler.js";
import { requireLogin, requireRoom } from "./guards.js";

/**
 * `leave`: leaves a room; those who stay hear that the name left. A keyed identity stops
 * being a member (on all its devices), and what was held only for it is deleted.
 */
export const leave = defineHandler("leave", async (context, socket, payload) => {
  const name = requireLogin(socket);
  const room = requireRoom(socket, payload.room);
  // The store first: if it fails, the connection is still in the room, as the store says, and
  // a retry finishes the leave (each step is idempotent).
  await context.store.removePresence(room, name, socket.id);
  if (socket.data.kind === "keyed") {
    // What only this member was missing is gone now: its senders hear it was the last copy.
    const { deleted, group } = await context.store.removeMember(room, name);
    context.receipts.touch(room, deleted);
    // In an encrypted room its leaves now wait for a commit that removes them.
    if (group) announceGroup(context, room, group);
    await leaveEverywhere(context, name, room);
  }
  socket.data.rooms = socket.data.rooms.filter((joined) => joined !== room);
  await socket.leave(room);
  // A guest with another connection in the room is still there: the flush reads the store.
  context.memberChanges.changed(room, name);
  return { room };
});

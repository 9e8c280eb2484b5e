import { defineHandler } from "./define-handler.js";
import { requireLogin, requireRoom } from "./guards.js";
import { publishMembers } from "./publish-members.js";

/** `leave`: leaves a room; those who stay hear the new member list. */
export const leave = defineHandler("leave", async (context, socket, payload) => {
  const name = requireLogin(socket);
  const room = requireRoom(socket, payload.room);
  await socket.leave(room);
  socket.data.rooms = socket.data.rooms.filter((joined) => joined !== room);
  await context.store.removePresence(room, name, socket.id);
  await publishMembers(context, room);
  return { room };
});

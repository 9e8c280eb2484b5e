import { userRoom } from "../delivery/user-room.js";
import { defineHandler } from "./define-handler.js";
import { requireLogin, requireRoom } from "./guards.js";
import { announce } from "./publish-members.js";

/**
 * `leave`: leaves a room; those who stay hear that the name left. A keyed identity stops
 * being a member (on all its devices), and what was held only for it is deleted.
 */
export const leave = defineHandler("leave", async (context, socket, payload) => {
  const name = requireLogin(socket);
  const room = requireRoom(socket, payload.room);
  socket.data.rooms = socket.data.rooms.filter((joined) => joined !== room);
  // Said before leaving the socket.io room, whose other connections are the audience.
  announce(socket, { room, name, online: false, left: true });
  await socket.leave(room);
  await context.store.removePresence(room, name, socket.id);
  if (socket.data.kind === "keyed") {
    await context.store.removeMember(room, name);
    context.io.in(userRoom(name)).socketsLeave(room);
  }
  return { room };
});

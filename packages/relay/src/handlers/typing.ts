import { TYPING_INTERVAL_MS } from "@pigeon/protocol";
import { defineHandler } from "./define-handler.js";
import { requireLogin, requireRoom } from "./guards.js";

// When each connection last passed on `typing` per room: a WeakMap, so it goes with the socket.
const lastTyping = new WeakMap<object, Map<string, number>>();

/**
 * `typing`: tells the room's other connections that this user is typing. Live only, never
 * stored; at most one per connection and room every TYPING_INTERVAL_MS goes out, however
 * often a client sends it.
 */
export const typing = defineHandler("typing", ({ clock }, socket, payload) => {
  const user = requireLogin(socket);
  const room = requireRoom(socket, payload.room);
  const now = clock();
  const rooms = lastTyping.get(socket) ?? new Map<string, number>();
  lastTyping.set(socket, rooms);
  if (now - (rooms.get(room) ?? -Infinity) >= TYPING_INTERVAL_MS) {
    rooms.set(room, now);
    socket.to(room).emit("typing", { room, user });
  }
  return Promise.resolve({ room });
});

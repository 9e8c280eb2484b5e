import { randomUUID } from "node:crypto";
import { defineHandler } from "./define-handler.js";
import { requireLogin, requireRoom } from "./guards.js";

/**
 * `chat`: gives the text the room's next seq and broadcasts it to the whole room, sender
 * included, in one encoding for all recipients.
 */
export const chat = defineHandler("chat", async ({ io, store }, socket, payload) => {
  const user = requireLogin(socket);
  const room = requireRoom(socket, payload.room);
  const seq = await store.nextSeq(room);
  const id = randomUUID();
  const sentAt = Date.now();
  io.to(room).emit("message", { user, message: payload.text, room, id, seq, sentAt });
  return { room, id, seq, sentAt };
});

import { messageId } from "../delivery/message-id.js";
import { defineHandler } from "./define-handler.js";
import { requireLogin, requireRoom } from "./guards.js";

/**
 * `chat`: the store gives the text the room's next seq and holds it for members who have not
 * confirmed it; it is broadcast to the whole room, sender included, in one encoding for all
 * recipients. Entries pushed out by the room's quota are announced as expired.
 */
export const chat = defineHandler("chat", async ({ io, store, clock }, socket, payload) => {
  const user = requireLogin(socket);
  // The seed's bare text goes to the room joined last.
  const [named, text] = typeof payload === "string" ? [undefined, payload] : [payload.room, payload.text];
  const room = requireRoom(socket, named);
  const id = messageId();
  const sentAt = clock();
  const { seq, incarnation, expired } = await store.append(room, { id, user, message: text, sentAt });
  io.to(room).emit("message", { user, message: text, room, id, seq, incarnation, sentAt });
  if (expired) io.to(room).emit("expired", { room, ...expired, reason: "quota", incarnation });
  return { room, id, seq, incarnation, sentAt };
});

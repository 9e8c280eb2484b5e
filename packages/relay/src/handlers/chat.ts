import { ErrorCode, quickChatPayload } from "@pigeon/protocol";
import { messageId } from "../delivery/message-id.js";
import { RelayError } from "../errors.js";
import { nameKey } from "../store/relay-store.js";
import { defineHandler, STEP } from "./define-handler.js";
import { inOrder, stepInOrder } from "./order.js";
import { deliver } from "./deliver.js";
import { requireLogin, requireRoom } from "./guards.js";

/**
 * `chat`: the store gives the text the room's next seq and holds it for members who have not
 * confirmed it; it is broadcast to the whole room, sender included, in one encoding for all
 * recipients. Encrypted rooms refuse it with E2E_REQUIRED (the store checks the mode as it
 * appends, so no text ever lands in an encrypted room's log). Entries pushed out by the room's quota are announced as expired. A retry of a
 * `clientId` this sender used in this room is answered with the original's place, and
 * neither stored nor broadcast again. Sent without an ack callback, the sender's echo is its
 * answer (protocol 6), a retry's echo going to the sender alone. Each message counts against its sender's messages per minute.
 * A connection's chats overlap: the next one's rate limit is checked while this one is still
 * in the store, but they reach the store, the room and the sender in the order sent.
 */
export const chat = defineHandler("chat", async (context, socket, payload, _after, acked, order) => {
  const { io, store, clock, limits } = context;
  const user = requireLogin(socket);
  // The seed's bare text goes to the room joined last.
  const [named, text, clientId] = typeof payload === "string" ? [undefined, payload, undefined] : [payload.room, payload.text, payload.clientId];
  const room = requireRoom(socket, named);
  await limits.message({ address: socket.handshake.address, name: user, guest: socket.data.kind !== "keyed", event: "chat" });
  const entry = { id: messageId(), user, message: text, sentAt: clock() };
  // Keyed by who sent it, so that nobody can answer for (or suppress) another's message.
  const clientKey = clientId === undefined ? undefined : `${nameKey(user)}\n${clientId}`;
  const appended = await inOrder(order, STEP.store, () => store.append(room, entry, clientKey));
  if (appended.encrypted) {
    throw new RelayError(ErrorCode.E2E_REQUIRED, `room ${room} is end-to-end encrypted: send MLS messages (a Pigeon client), not plain text`);
  }
  const { seq, incarnation, expired, original } = appended;
  const { id, sentAt } = original ?? entry;
  const message = { user, message: text, room, id, seq, incarnation, sentAt, ...(clientId === undefined ? {} : { clientId }) };
  const broadcast = () => {
    if (original) {
      // A repeat: without an ack callback its echo is the answer, to this sender alone.
      if (!acked) socket.emit("message", message);
    } else {
      deliver(context, socket, room, message, acked);
      if (expired) io.to(room).emit("expired", { room, ...expired, reason: "quota", incarnation });
    }
  };
  const later = stepInOrder(order, STEP.broadcast, broadcast);
  if (later !== undefined) await later;
  return { room, id, seq, incarnation, sentAt };
}, { overlaps: true, quick: quickChatPayload });

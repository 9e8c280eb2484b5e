import { ErrorCode, MAX_ROOMS_PER_CONNECTION } from "@pigeon/protocol";
import { RelayError } from "../errors.js";
import { defineHandler } from "./define-handler.js";
import { requireLogin } from "./guards.js";
import { publishMembers } from "./publish-members.js";

/** `join`: enters a room (several at once are fine); the room hears the new member list. */
export const join = defineHandler("join", async (context, socket, { room }) => {
  const name = requireLogin(socket);
  const { rooms } = socket.data;
  const index = rooms.indexOf(room);
  if (index !== -1) {
    // Joining again makes the room current again for bare `chat` strings.
    rooms.splice(index, 1);
    rooms.push(room);
    return { room, members: await context.store.members(room) };
  }
  if (rooms.length >= MAX_ROOMS_PER_CONNECTION) {
    throw new RelayError(ErrorCode.QUOTA_EXCEEDED, `a connection may be in at most ${MAX_ROOMS_PER_CONNECTION} rooms`);
  }
  await context.store.addPresence(room, name, socket.id);
  await socket.join(room);
  rooms.push(room);
  return { room, members: await publishMembers(context, room) };
});

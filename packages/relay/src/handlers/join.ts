import { ErrorCode, MAX_ROOMS_PER_CONNECTION } from "@pigeon/protocol";
import { RelayError } from "../errors.js";
import { defineHandler } from "./define-handler.js";
import { requireLogin } from "./guards.js";
import { announceJoin } from "../membership/publish-members.js";

/**
 * `join`: enters a room (several at once are fine); the room hears the new member list. A
 * keyed identity becomes a member, held for until it leaves or expires, starting from the
 * room's latest seq; a guest is only present while connected.
 */
export const join = defineHandler("join", async (context, socket, { room }) => {
  const name = requireLogin(socket);
  const { rooms } = socket.data;
  const keyed = socket.data.kind === "keyed";
  const index = rooms.indexOf(room);
  if (index !== -1) {
    // Joining again makes the room current again for bare `chat` strings.
    rooms.splice(index, 1);
    rooms.push(room);
    const seq = keyed ? await context.store.addMember(room, name, context.clock()) : 0;
    return { room, members: await context.store.members(room), seq };
  }
  if (rooms.length >= MAX_ROOMS_PER_CONNECTION) {
    throw new RelayError(ErrorCode.QUOTA_EXCEEDED, `a connection may be in at most ${MAX_ROOMS_PER_CONNECTION} rooms`);
  }
  const seq = keyed ? await context.store.addMember(room, name, context.clock()) : 0;
  await context.store.addPresence(room, name, socket.id);
  await socket.join(room);
  rooms.push(room);
  return { room, members: await announceJoin(context, socket, room, name), seq };
});

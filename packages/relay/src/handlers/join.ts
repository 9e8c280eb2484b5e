import { ErrorCode, MAX_ROOMS_PER_CONNECTION } from "@pigeon/protocol";
import { RelayError } from "../errors.js";
import type { RoomCursor } from "../store/relay-store.js";
import { defineHandler } from "./define-handler.js";
import { inRoom, requireLogin } from "./guards.js";
import { replay } from "../delivery/replay.js";
import { enterRoom } from "../membership/enter-room.js";
import { announceJoin } from "../membership/publish-members.js";

/**
 * `join`: enters a room (several at once are fine); the room hears the new member list. A
 * keyed identity becomes a member, held for until it leaves or expires, starting from the
 * room's latest seq, and after the ack gets what arrived meanwhile, then `caughtUp`; a guest
 * is only present while connected.
 */
export const join = defineHandler("join", async (context, socket, { room }, after) => {
  const name = requireLogin(socket);
  const { rooms } = socket.data;
  const keyed = socket.data.kind === "keyed";
  if (inRoom(socket, room)) {
    // Joining again makes the room current again for bare `chat` strings.
    rooms.splice(rooms.indexOf(room), 1);
    rooms.push(room);
    const place = keyed ? await context.store.addMember(room, name, context.clock()) : undefined;
    return { room, members: await context.store.members(room), ...ackPlace(place) };
  }
  // A room this connection was taken out of by a leave on another device is joined afresh.
  const stale = rooms.indexOf(room);
  if (stale !== -1) rooms.splice(stale, 1);
  if (rooms.length >= MAX_ROOMS_PER_CONNECTION) {
    throw new RelayError(ErrorCode.QUOTA_EXCEEDED, `a connection may be in at most ${MAX_ROOMS_PER_CONNECTION} rooms`);
  }
  // In the room's broadcasts before the cursor is read, as at login: a message after the
  // cursor then arrives live or in the replay that follows the ack, never in neither.
  await enterRoom(context, socket, room);
  let place: Omit<RoomCursor, "room"> | undefined;
  try {
    place = keyed ? await context.store.addMember(room, name, context.clock()) : undefined;
    await context.store.addPresence(room, name, socket.id);
  } catch (error) {
    await socket.leave(room);
    throw error;
  }
  rooms.push(room);
  const members = await announceJoin(context, socket, room, name);
  if (place) {
    const { acked } = place;
    after(() => replay(context, socket, room, acked));
  }
  return { room, members, ...ackPlace(place) };
});

/** The cursor part of a join ack: a guest has none (seq 0, no incarnation). */
function ackPlace(place: Omit<RoomCursor, "room"> | undefined) {
  return place ? { seq: place.acked, incarnation: place.incarnation } : { seq: 0 };
}

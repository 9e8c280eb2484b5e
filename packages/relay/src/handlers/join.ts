import { ErrorCode, MAX_ROOMS_PER_CONNECTION, type RoomMode } from "@pigeon/protocol";
import type { RelayContext, RelaySocket } from "../context.js";
import { RelayError } from "../errors.js";
import type { MemberPlace } from "../store/relay-store.js";
import { defineHandler } from "./define-handler.js";
import { inRoom, requireLogin } from "./guards.js";
import { replay } from "../delivery/replay.js";
import { enterRoom } from "../membership/enter-room.js";
import { withRoom } from "../membership/joined-rooms.js";
import { announceGroup } from "../membership/group-status.js";
import { announceJoin } from "../membership/publish-members.js";
import { refuseMode } from "./room-mode.js";

/**
 * `join`: enters a room (several at once are fine); the room hears the new member list. A new
 * room gets the mode asked for (plain by default); an existing one keeps its own, and only keyed
 * identities may be in an encrypted room. A keyed identity becomes a member, held for until it
 * leaves or expires, starting from the room's latest seq, and after the ack gets what arrived
 * meanwhile, then `caughtUp`; a guest is only present while connected.
 */
export const join = defineHandler("join", async (context, socket, { room, mode: asked = "plain" }, after) => {
  const name = requireLogin(socket);
  if (inRoom(socket, room)) {
    // Joining again makes the room current again for bare `chat` strings.
    socket.data.rooms = withRoom(socket.data.rooms, room);
    const place = await addMember(context, socket, room, name, asked);
    const mode = place?.mode ?? (await context.store.roomMode(room)) ?? "plain";
    return { room, mode, members: await context.store.members(room), ...ackPlace(place) };
  }
  // A room this connection was taken out of by a leave on another device is joined afresh.
  const rooms = socket.data.rooms.filter((joined) => joined !== room);
  socket.data.rooms = rooms;
  if (rooms.length >= MAX_ROOMS_PER_CONNECTION) {
    throw new RelayError(ErrorCode.QUOTA_EXCEEDED, `a connection may be in at most ${MAX_ROOMS_PER_CONNECTION} rooms`);
  }
  const keyed = socket.data.kind === "keyed";
  // Before anything changes: a guest never enters an encrypted room, nor anyone a plain room
  // that --require-e2e forbids creating.
  refuseMode(context, room, keyed, await context.store.roomMode(room), asked);
  // In the room's broadcasts before the cursor is read, as at login: a message after the
  // cursor then arrives live or in the replay that follows the ack, never in neither.
  await enterRoom(context, socket, room);
  let place: MemberPlace | undefined;
  let mode: RoomMode;
  try {
    place = await addMember(context, socket, room, name, asked);
    // A guest only ever enters a plain room: if one was made encrypted meanwhile, nothing is marked.
    mode = await context.store.addPresence(room, name, socket.id, asked, keyed ? undefined : "plain");
    if (!keyed) refuseMode(context, room, keyed, mode, asked);
  } catch (error) {
    await socket.leave(room);
    throw error;
  }
  socket.data.rooms = withRoom(socket.data.rooms, room);
  const members = await announceJoin(context, socket, room, name, mode);
  if (place) {
    const { acked } = place;
    after(() => replay(context, socket, room, acked));
  }
  return { room, mode, members, ...ackPlace(place) };
});

/** A keyed identity's membership (undefined for a guest); the room hears if its group's pending removals changed. */
async function addMember(context: RelayContext, socket: RelaySocket, room: string, name: string, mode: RoomMode): Promise<MemberPlace | undefined> {
  const { publicKey, kind } = socket.data;
  if (kind !== "keyed") return undefined;
  const place = await context.store.addMember(room, name, context.clock(), { mode, ...(publicKey === undefined ? {} : { publicKey }) });
  if (place.group && place.groupChanged === true) announceGroup(context, room, place.group);
  return place;
}

/** The cursor part of a join ack: a guest has none (seq 0, no incarnation); an encrypted room's group status. */
function ackPlace(place: MemberPlace | undefined) {
  if (!place) return { seq: 0 };
  const { acked, incarnation, group } = place;
  return { seq: acked, incarnation, ...(group ? { group: { epoch: group.epoch, pending: group.pending } } : {}) };
}


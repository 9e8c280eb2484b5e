import { ErrorCode } from "@pigeon/protocol";
import type { RelaySocket } from "../context.js";
import { RelayError } from "../errors.js";

/** The connection's user name, or NOT_LOGGED_IN. */
export function requireLogin(socket: RelaySocket): string {
  const { name } = socket.data;
  if (name === undefined) throw new RelayError(ErrorCode.NOT_LOGGED_IN, "log in first");
  return name;
}

/**
 * Whether this connection is in `room` now. socket.io's own room set decides: a leave on
 * another device of the same identity takes this connection out of it too, on any node.
 */
export function inRoom(socket: RelaySocket, room: string): boolean {
  return socket.rooms.has(room) && socket.data.rooms.includes(room);
}

/** The room, if this connection is in it (or the room joined last when none is named). */
export function requireRoom(socket: RelaySocket, room: string | undefined): string {
  const target = room ?? socket.data.rooms.findLast((joined) => inRoom(socket, joined));
  if (target === undefined) throw new RelayError(ErrorCode.NOT_IN_ROOM, "join a room first");
  if (!inRoom(socket, target)) {
    throw new RelayError(ErrorCode.NOT_IN_ROOM, `join ${target} first`);
  }
  return target;
}

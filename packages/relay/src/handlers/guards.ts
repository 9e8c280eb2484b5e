import { ErrorCode } from "@pigeon/protocol";
import type { RelaySocket } from "../context.js";
import { RelayError } from "../errors.js";

/** The connection's user name, or NOT_LOGGED_IN. */
export function requireLogin(socket: RelaySocket): string {
  const { name } = socket.data;
  if (name === undefined) throw new RelayError(ErrorCode.NOT_LOGGED_IN, "log in first");
  return name;
}

/** The room, if this connection is in it (or the room joined last when none is named). */
export function requireRoom(socket: RelaySocket, room: string | undefined): string {
  const target = room ?? socket.data.rooms.at(-1);
  if (target === undefined) throw new RelayError(ErrorCode.NOT_IN_ROOM, "join a room first");
  if (!socket.data.rooms.includes(target)) {
    throw new RelayError(ErrorCode.NOT_IN_ROOM, `join ${target} first`);
  }
  return target;
}

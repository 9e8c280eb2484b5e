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

/** Who may take part in an encrypted room's group: a keyed identity in the room. */
export interface GroupMemberCaller {
  readonly name: string;
  /** The login public key, base64url: the signature key of the caller's leaf. */
  readonly publicKey: string;
  readonly room: string;
}

/**
 * The caller, if it is a keyed identity in `room`: NOT_LOGGED_IN, NOT_IN_ROOM, or E2E_REQUIRED
 * for a guest (which can be in plain rooms only). Whether the room is encrypted, the store says.
 */
export function requireGroupMember(socket: RelaySocket, room: string): GroupMemberCaller {
  const name = requireLogin(socket);
  requireRoom(socket, room);
  const { kind, publicKey } = socket.data;
  if (kind !== "keyed" || publicKey === undefined) {
    throw new RelayError(ErrorCode.E2E_REQUIRED, "MLS groups are for keyed members of encrypted rooms: log in with a key (a Pigeon client)");
  }
  return { name, publicKey, room };
}

import { ErrorCode, type RoomMode } from "@pigeon/protocol";
import type { RelayContext } from "../context.js";
import { RelayError } from "../errors.js";

/**
 * Refuses a join the room's mode rules out: with ROOM_NOT_ENCRYPTED, asking for an encrypted
 * room that exists as a plain one (a mode never changes, so nothing is entered only to be left);
 * with E2E_REQUIRED, a guest (or the tutorial's client, which logs in as one) in an encrypted room
 * or asking to create one, and anyone creating a plain room on a relay that requires end-to-end
 * encryption. `existing` is the room's mode, undefined
 * for a room the join would create.
 *
 * @example
 * refuseMode(context, "team", false, "encrypted", "plain"); // throws E2E_REQUIRED
 */
export function refuseMode(context: RelayContext, room: string, keyed: boolean, existing: RoomMode | undefined, asked: RoomMode): void {
  if (existing === "plain" && asked === "encrypted") {
    throw new RelayError(ErrorCode.ROOM_NOT_ENCRYPTED, `room ${room} is a plain room (not end-to-end encrypted): join it with mode "plain" to chat there anyway`);
  }
  if (existing === "encrypted" && !keyed) {
    throw new RelayError(
      ErrorCode.E2E_REQUIRED,
      `room ${room} is end-to-end encrypted: join it with a Pigeon client logged in with a key (guests and the tutorial's client can use plain rooms only)`,
    );
  }
  if (existing !== undefined) return;
  if (asked === "encrypted" && !keyed) {
    throw new RelayError(ErrorCode.E2E_REQUIRED, `an encrypted room needs keyed members: log in with a key to create ${room}`);
  }
  if (asked === "plain" && context.config.requireE2e) {
    throw new RelayError(ErrorCode.E2E_REQUIRED, `this server refuses plain rooms: create ${room} with mode "encrypted" (a Pigeon client)`);
  }
}

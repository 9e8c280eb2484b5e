import { ErrorCode } from "@pigeon/protocol";
import { RelayError } from "../errors.js";
import { defineHandler } from "./define-handler.js";
import { requireGroupMember } from "./guards.js";

/**
 * `groupInfo`: a keyed member of an encrypted room gets the group's latest GroupInfo (null until
 * someone creates the group), its status, and the room's latest seq and incarnation read with it.
 */
export const groupInfo = defineHandler("groupInfo", async ({ store }, socket, payload) => {
  const { room } = requireGroupMember(socket, payload.room);
  const view = await store.groupView(room);
  if (view?.mode !== "encrypted") throw new RelayError(ErrorCode.BAD_REQUEST, `room ${room} is plain: it has no MLS group`);
  const { groupInfo: info, epoch, pending, seq, incarnation } = view;
  return { room, groupInfo: info, epoch, pending, seq, incarnation };
});

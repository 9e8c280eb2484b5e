import { ErrorCode } from "@pigeon/protocol";
import { RelayError } from "../errors.js";
import { announceGroup } from "../membership/group-status.js";
import { isRefused, nameKey } from "../store/relay-store.js";
import { defineHandler } from "./define-handler.js";
import { requireGroupMember } from "./guards.js";
import { groupIdText, groupInfoOf, mlsBytes, refusedError, statusPart, storedLeaves } from "./mls-bytes.js";

/**
 * `createGroup`: the first member of an encrypted room uploads its new group's GroupInfo: epoch
 * 0, one leaf carrying the caller's name and login key, group id `pigeon/<incarnation>/<room>`.
 * Only while the room has no group (else STALE_EPOCH: join the existing one). The room hears the
 * new status, so members who joined before it know to join the group.
 */
export const createGroup = defineHandler("createGroup", async (context, socket, payload) => {
  const { room, name, publicKey } = requireGroupMember(socket, payload.room);
  const framing = groupInfoOf(mlsBytes(payload.groupInfo, "groupInfo"));
  if (framing.epoch !== 0n) throw new RelayError(ErrorCode.BAD_REQUEST, "a new group's GroupInfo must be at epoch 0");
  const leaves = storedLeaves(framing);
  const [only] = leaves;
  if (leaves.length !== 1 || only?.nameKey !== nameKey(name) || only.publicKey !== publicKey) {
    throw new RelayError(ErrorCode.UNAUTHORIZED, "a new group's only leaf must carry your name and login key");
  }
  const groupId = groupIdText(framing.groupId);
  const created = await context.store.createGroup(room, { groupId, groupInfo: payload.groupInfo, epoch: 0, leaves });
  if (isRefused(created)) throw refusedError(room, created);
  context.logger.info({ room, bytes: payload.groupInfo.length }, "group created");
  announceGroup(context, room, created);
  return { room, ...statusPart(created) };
});

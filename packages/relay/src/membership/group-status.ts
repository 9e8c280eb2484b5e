import type { RelayContext } from "../context.js";
import type { GroupChange } from "../store/relay-store.js";

/**
 * Tells an encrypted room, on every node, where its group stands now: sent when removals become
 * pending (a member left, was dropped, or its name came back with another key), when they stop
 * being pending, and when the group is created. The next member to send commits the removals.
 *
 * @example
 * if (removed.group) announceGroup(context, "team", removed.group);
 */
export function announceGroup({ io, logger }: RelayContext, room: string, { epoch, pending, incarnation }: GroupChange): void {
  io.to(room).emit("groupStatus", { room, incarnation, epoch, pending });
  logger.debug({ room, epoch, pending: pending.length }, "group status");
}

import type { RelayContext } from "../context.js";
import { announceGroup } from "../membership/group-status.js";
import { publishMembers } from "../membership/publish-members.js";

/**
 * Drops what outlived the TTLs and tells the rooms concerned: an `expired` notice for dropped
 * messages, a new member list for dropped members, receipts for what only they were missing,
 * and in encrypted rooms the group status with the dropped members' leaves pending removal.
 *
 * @example
 * setInterval(() => void sweep(context), config.sweepIntervalMs);
 */
export async function sweep(context: RelayContext): Promise<void> {
  const reports = await context.store.sweep(context.clock());
  for (const { room, expired, incarnation, droppedMembers, deleted, group } of reports) {
    if (expired) context.io.to(room).emit("expired", { room, ...expired, reason: "ttl", ...(incarnation ? { incarnation } : {}) });
    if (deleted.length > 0) context.receipts.touch(room, deleted);
    if (droppedMembers.length > 0) await publishMembers(context, room);
    if (group) announceGroup(context, room, group);
    context.logger.info({ room, expired, dropped: droppedMembers.length }, "swept");
  }
}

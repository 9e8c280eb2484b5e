import type { RelayContext } from "../context.js";
import { publishMembers } from "../membership/publish-members.js";

/**
 * Drops what outlived the TTLs and tells the rooms concerned: an `expired` notice for dropped
 * messages, a new member list for dropped members, and receipts for what only they were missing.
 *
 * @example
 * setInterval(() => void sweep(context), config.sweepIntervalMs);
 */
export async function sweep(context: RelayContext): Promise<void> {
  const reports = await context.store.sweep(context.clock());
  for (const { room, expired, incarnation, droppedMembers, deleted } of reports) {
    if (expired) context.io.to(room).emit("expired", { room, ...expired, reason: "ttl", ...(incarnation ? { incarnation } : {}) });
    if (deleted.length > 0) context.receipts.touch(room, deleted);
    if (droppedMembers.length > 0) await publishMembers(context, room);
    context.logger.info({ room, expired, dropped: droppedMembers.length }, "swept");
  }
}

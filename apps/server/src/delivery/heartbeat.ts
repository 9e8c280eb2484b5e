import type { RelayContext } from "../context.js";
import { publishMembers } from "../handlers/publish-members.js";

/** A node is presumed dead after this many heartbeat intervals without one. */
export const MISSED_HEARTBEATS_BEFORE_DEAD = 3;

/**
 * One beat: tell the store this node is alive, then release what connections of dead nodes
 * held (a node killed with SIGKILL never ran its disconnect handlers), and show the rooms
 * concerned their corrected member lists. Every node does this; the store makes each release
 * happen once.
 *
 * @example
 * setInterval(() => void beat(context), config.heartbeatIntervalMs);
 */
export async function beat(context: RelayContext): Promise<void> {
  const now = context.clock();
  await context.store.heartbeat(now);
  const deadAfterMs = context.config.heartbeatIntervalMs * MISSED_HEARTBEATS_BEFORE_DEAD;
  const rooms = await context.store.reapDeadNodes(now, deadAfterMs);
  for (const room of rooms) await publishMembers(context, room);
  if (rooms.length > 0) context.logger.info({ rooms: rooms.length }, "released connections of dead nodes");
}

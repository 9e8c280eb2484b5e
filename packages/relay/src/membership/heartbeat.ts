import type { RelayContext } from "../context.js";
import { publishMembers } from "./publish-members.js";

/** A node is presumed dead after this many heartbeat intervals without one. */
export const MISSED_HEARTBEATS_BEFORE_DEAD = 3;

/**
 * This node's heartbeat: tell the store the node is alive, then release what connections of
 * dead nodes held (a node killed with SIGKILL never ran its disconnect handlers), and show the
 * rooms concerned their corrected member lists. Every node does this; the store makes each
 * release happen once.
 *
 * A node reaps only after it has itself beaten without a break for the whole dead-after
 * period. After a Redis outage no node could beat; without this rule the first node back would
 * take all the others for dead and release their live connections.
 *
 * @example
 * const heart = new Heartbeat(context);
 * setInterval(() => void heart.beat(), config.heartbeatIntervalMs);
 */
export class Heartbeat {
  #beatingSince: number | undefined;

  constructor(private readonly context: RelayContext) {}

  /** One beat; rejects (and restarts the unbroken-beating clock) when the store is unreachable. */
  async beat(): Promise<void> {
    const { store, config, clock, logger } = this.context;
    const now = clock();
    let presumedDead: boolean;
    try {
      presumedDead = await store.heartbeat(now);
    } catch (error) {
      this.#beatingSince = undefined;
      // A heartbeat refused for want of memory or of disk makes the store full (/healthz 503) before any client write fails.
      store.isFullError(error);
      throw error;
    }
    if (presumedDead) this.#startOver();
    this.#beatingSince ??= now;
    const deadAfterMs = config.heartbeatIntervalMs * MISSED_HEARTBEATS_BEFORE_DEAD;
    if (now - this.#beatingSince < deadAfterMs) return;
    const rooms = await store.reapDeadNodes(now, deadAfterMs);
    for (const room of rooms) await publishMembers(this.context, room);
    if (rooms.length > 0) logger.info({ rooms: rooms.length }, "released connections of dead nodes");
  }

  /**
   * Another node found this one's beat stale (this node was cut off from the store, or frozen)
   * and released what its connections held: their names are free for others to take, and they
   * are shown offline. They cannot go on as if nothing happened, so their transports are closed,
   * as at shutdown (not socket.io's disconnect, after which a client does not reconnect): clients
   * reconnect and log in again (the SDK by itself), to a name that is still theirs or to a clear
   * NAME_TAKEN.
   */
  #startOver(): void {
    const { io, logger } = this.context;
    const sockets = [...io.of("/").sockets.values()];
    logger.warn({ connections: sockets.length }, "this node was presumed dead and its connections released: closing them so that they log in again");
    for (const socket of sockets) socket.conn.close();
  }
}

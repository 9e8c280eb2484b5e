import type { RelayContext } from "../context.js";

/** How long after a failed release it is tried again. */
const RELEASE_RETRY_MS = 2_000;

/**
 * Lets go of what one connection held: its presence in `rooms` (the rooms hear of it), then
 * its hold on `name`. Each step is idempotent, so when the store fails part way (Redis away)
 * the whole release is tried again every couple of seconds until it succeeds: a guest's name
 * is never left taken, nor anyone shown online, by a cleanup that met an outage.
 *
 * @example
 * await releaseConnection(context, "alice", socket.id, ["lobby"]);
 */
export async function releaseConnection(context: RelayContext, name: string, connectionId: string, rooms: readonly string[]): Promise<void> {
  try {
    await release(context, name, connectionId, rooms);
  } catch (error) {
    context.logger.warn({ err: error, connection: connectionId }, "releasing a connection failed; retrying");
    retryLater(context, name, connectionId, rooms);
  }
}

async function release(context: RelayContext, name: string, connectionId: string, rooms: readonly string[]): Promise<void> {
  for (const room of rooms) {
    await context.store.removePresence(room, name, connectionId);
    // Offline, gone (a guest), or still online through another device: the flush reads which.
    context.memberChanges.changed(room, name);
  }
  await context.store.releaseName(name, connectionId, context.clock());
}

function retryLater(context: RelayContext, name: string, connectionId: string, rooms: readonly string[]): void {
  const timer = setTimeout(() => {
    release(context, name, connectionId, rooms).then(
      () => {
        context.logger.info({ connection: connectionId }, "released a connection after retrying");
      },
      () => {
        retryLater(context, name, connectionId, rooms);
      },
    );
  }, RELEASE_RETRY_MS);
  timer.unref();
}

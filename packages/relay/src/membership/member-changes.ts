import type { MemberChange } from "@pigeon/protocol";
import type { MemberChangeFeed, RelayServer } from "../context.js";
import type { Logger } from "../logger.js";
import { nameKey, type RelayStore } from "../store/relay-store.js";

interface PendingRoom {
  readonly timer: NodeJS.Timeout;
  /** Names whose state changed since the last flush, by name key, in the order they changed. */
  readonly names: Map<string, string>;
}

/**
 * Gathers each room's member-list changes for a moment and sends them as one `memberChanges`
 * event. A change only marks a name; the flush reads the room's list from the store once and
 * sends each marked name's state as of then, so joins, leaves and disconnects (which may leave
 * a name online through another device) all come out right without the handlers working it
 * out. Filling a room of 1,000 thus costs each member a few events instead of one per join.
 *
 * @example
 * context.memberChanges.changed("lobby", "alice");
 */
export class MemberChanges implements MemberChangeFeed {
  readonly #rooms = new Map<string, PendingRoom>();

  constructor(
    private readonly io: RelayServer,
    private readonly store: RelayStore,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  /** Notes that `name`'s place in `room` changed (joined, left, came online, went offline). */
  changed(room: string, name: string): void {
    let pending = this.#rooms.get(room);
    if (pending === undefined) {
      const timer = setTimeout(() => {
        this.#flush(room).catch((error: unknown) => {
          this.logger.warn({ err: error, room }, "sending member changes failed");
        });
      }, this.intervalMs);
      pending = { timer, names: new Map() };
      this.#rooms.set(room, pending);
    }
    const key = nameKey(name);
    // Re-marked names move to the end: the order of the last changes is the order sent.
    pending.names.delete(key);
    pending.names.set(key, name);
  }

  /** Sends every pending change now (at shutdown, so nobody is left with a stale list). */
  async flushAll(): Promise<void> {
    for (const room of [...this.#rooms.keys()]) await this.#flush(room);
  }

  async #flush(room: string): Promise<void> {
    const pending = this.#rooms.get(room);
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    // Changes from here on start the next batch, even while this one reads the store.
    this.#rooms.delete(room);
    const members = new Map((await this.store.members(room)).map((member) => [nameKey(member.name), member]));
    const changes = [...pending.names].map(([key, name]): MemberChange => {
      const member = members.get(key);
      return member === undefined ? { name, online: false, left: true } : { name: member.name, online: member.online };
    });
    this.io.to(room).emit("memberChanges", { room, changes });
  }
}

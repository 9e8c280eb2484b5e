import type { Entry } from "../state/room.js";

/** How many of a room's latest messages and notices this browser keeps. */
export const MAX_HISTORY_ENTRIES = 200;

/**
 * Where a profile's messages are kept on this device. The server deletes a message once
 * everyone has it, so a reload would otherwise show an empty room.
 *
 * @example
 * const rooms = await history.load("alice"); // Map { "lobby" => [entries…] }
 */
export interface HistoryStore {
  /** Every room's kept entries, oldest first. */
  load(profile: string): Promise<Map<string, Entry[]>>;
  /** Replaces what is kept for a room with its latest entries. */
  save(profile: string, room: string, entries: readonly Entry[]): Promise<void>;
  /** Forgets a room (it was left). */
  forget(profile: string, room: string): Promise<void>;
}

/**
 * A {@link HistoryStore} in memory: for tests, and where IndexedDB is refused.
 *
 * @example
 * const history = new MemoryHistoryStore();
 */
export class MemoryHistoryStore implements HistoryStore {
  readonly #rooms = new Map<string, Map<string, Entry[]>>();

  load(profile: string): Promise<Map<string, Entry[]>> {
    return Promise.resolve(new Map(this.#rooms.get(profile)));
  }

  save(profile: string, room: string, entries: readonly Entry[]): Promise<void> {
    const rooms = this.#rooms.get(profile) ?? new Map<string, Entry[]>();
    rooms.set(room, entries.slice(-MAX_HISTORY_ENTRIES));
    this.#rooms.set(profile, rooms);
    return Promise.resolve();
  }

  forget(profile: string, room: string): Promise<void> {
    this.#rooms.get(profile)?.delete(room);
    return Promise.resolve();
  }
}

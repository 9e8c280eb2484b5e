import type { OutboxEntry } from "../state/outbox.js";

/**
 * Where messages typed on this device wait until the server has them, so that closing the
 * tab while offline does not lose them.
 *
 * @example
 * await outboxStore.save("alice", outbox.entries.filter((entry) => entry.state !== "accepted"));
 */
export interface OutboxStore {
  /** The profile's waiting messages, oldest first. */
  load(profile: string): Promise<OutboxEntry[]>;
  /** Replaces the profile's waiting messages. */
  save(profile: string, entries: readonly OutboxEntry[]): Promise<void>;
}

/**
 * An {@link OutboxStore} in memory: for tests, and where IndexedDB is refused.
 *
 * @example
 * const outboxStore = new MemoryOutboxStore();
 */
export class MemoryOutboxStore implements OutboxStore {
  readonly #entries = new Map<string, OutboxEntry[]>();

  load(profile: string): Promise<OutboxEntry[]> {
    return Promise.resolve([...(this.#entries.get(profile) ?? [])]);
  }

  save(profile: string, entries: readonly OutboxEntry[]): Promise<void> {
    this.#entries.set(profile, [...entries]);
    return Promise.resolve();
  }
}

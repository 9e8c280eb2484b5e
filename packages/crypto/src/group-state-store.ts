/**
 * A message a client took in (decrypted, or sent itself) but has not yet confirmed to the
 * server: its plaintext, kept with the group state because its keys are spent (and ts-mls cannot
 * decrypt our own messages), so that the identity's next receiving session can still show it.
 *
 * @example
 * const kept: KeptMessage = { seq: 58, id: "m1", user: "bob", sentAt: 1700000000000, text: "hi" };
 */
export interface KeptMessage {
  readonly seq: number;
  readonly id: string;
  readonly user: string;
  readonly sentAt: number;
  readonly clientId?: string;
  readonly text: string;
}

/**
 * One encrypted room's group state as a client keeps it between runs: the room's incarnation
 * the group belongs to, the last log seq the state has taken in (processed or skipped), and
 * {@link MlsGroup.encode}'s bytes (which never hold the identity's secret key, but do hold the
 * group's epoch secrets: keep them as private as the identity).
 *
 * @example
 * const stored: StoredGroup = { room: "team", incarnation, seq: 57, state: group.encode() };
 */
export interface StoredGroup {
  readonly room: string;
  readonly incarnation: string;
  readonly seq: number;
  readonly state: Uint8Array;
  /**
   * Messages taken in (decrypted or sent) but not yet confirmed to the server, oldest first:
   * plaintext, saved before they are handed to the app, so that a session that stops before
   * showing them (or never shows anything, a send-only one) leaves them to the next.
   */
  readonly kept?: readonly KeptMessage[];
}

/**
 * Where a client keeps its groups, one per room, per profile: in memory, a 0600 file per room
 * (`FileGroupStateStore` from `@pigeon/crypto/node`), or IndexedDB in a browser.
 *
 * @example
 * const store: GroupStateStore = new MemoryGroupStateStore();
 * await store.save({ room: "team", incarnation, seq, state: group.encode() });
 */
export interface GroupStateStore {
  /** The room's stored group, or undefined when there is none. */
  load(room: string): Promise<StoredGroup | undefined>;
  /** Replaces the room's stored group, all at once (a crash leaves the old one or the new one). */
  save(group: StoredGroup): Promise<void>;
  /** Forgets the room's group (left, or the room started over). */
  delete(room: string): Promise<void>;
}

/**
 * A {@link GroupStateStore} in memory: for tests and sessions that keep nothing across runs.
 *
 * @example
 * createClient({ url, mls: { stateStore: new MemoryGroupStateStore() } });
 */
export class MemoryGroupStateStore implements GroupStateStore {
  readonly #groups = new Map<string, StoredGroup>();

  load(room: string): Promise<StoredGroup | undefined> {
    const stored = this.#groups.get(room);
    return Promise.resolve(stored === undefined ? undefined : copy(stored));
  }

  save(group: StoredGroup): Promise<void> {
    this.#groups.set(group.room, copy(group));
    return Promise.resolve();
  }

  delete(room: string): Promise<void> {
    this.#groups.delete(room);
    return Promise.resolve();
  }
}

// What a memory store gives out is never what the SDK goes on changing.
function copy(group: StoredGroup): StoredGroup {
  return { ...group, state: Uint8Array.from(group.state), ...(group.kept === undefined ? {} : { kept: group.kept.map((message) => ({ ...message })) }) };
}

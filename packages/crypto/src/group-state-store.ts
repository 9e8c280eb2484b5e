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
   * The seqs of the messages this state decrypted last, saved just before they were shown: the
   * ones the server was not told about yet may never have reached the user (a crash between the
   * save and the display), and since their keys are spent they are reported instead of lost.
   */
  readonly handing?: readonly number[];
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
    return Promise.resolve(stored === undefined ? undefined : { ...stored, state: Uint8Array.from(stored.state) });
  }

  save(group: StoredGroup): Promise<void> {
    this.#groups.set(group.room, { ...group, state: Uint8Array.from(group.state) });
    return Promise.resolve();
  }

  delete(room: string): Promise<void> {
    this.#groups.delete(room);
    return Promise.resolve();
  }
}

import type { GroupStateStore, PinStore, StoredGroup } from "@pigeon/crypto";
import { GROUPS, PINS, VERIFIED } from "./database.js";
import { requestResult, transactionDone } from "./idb-request.js";
import type { VerifiedStore } from "./vault.js";

/** One encrypted room's group as stored: the SDK's record, under its profile. */
interface GroupRecord {
  profile: string;
  room: string;
  group: StoredGroup;
}

/**
 * A {@link GroupStateStore} in IndexedDB for one profile: a record per encrypted room, replaced
 * whole by each save (one `put` in one transaction, so a closed tab leaves the old state or the
 * new one). The group state holds epoch secrets and kept plaintext: as private as the identity.
 *
 * @example
 * const groups = new IndexedDbGroupStateStore(database, "alice");
 * createClient({ url, mls: { stateStore: groups } });
 */
export class IndexedDbGroupStateStore implements GroupStateStore {
  constructor(
    private readonly database: IDBDatabase,
    private readonly profile: string,
  ) {}

  async load(room: string): Promise<StoredGroup | undefined> {
    const store = this.database.transaction(GROUPS, "readonly").objectStore(GROUPS);
    const record = (await requestResult(store.get([this.profile, room]))) as GroupRecord | undefined;
    return record?.group;
  }

  async save(group: StoredGroup): Promise<void> {
    // The SDK acks the room's entries once this resolves, and the server then deletes them: the
    // state must be on disk by then, not only in the browser's write buffers ("relaxed", the
    // default in Chromium, can lose it when the browser is closed or killed right after).
    const transaction = this.database.transaction(GROUPS, "readwrite", { durability: "strict" });
    const record: GroupRecord = { profile: this.profile, room: group.room, group };
    transaction.objectStore(GROUPS).put(record);
    await transactionDone(transaction);
  }

  async delete(room: string): Promise<void> {
    const transaction = this.database.transaction(GROUPS, "readwrite");
    transaction.objectStore(GROUPS).delete([this.profile, room]);
    await transactionDone(transaction);
  }
}

/** One pinned or verified key, under its profile. */
interface KeyRecord {
  profile: string;
  name: string;
  key: Uint8Array;
}

/**
 * A {@link PinStore} in IndexedDB for one profile: the key first seen for each name.
 *
 * @example
 * createClient({ url, mls: { pinStore: new IndexedDbPinStore(database, "alice") } });
 */
export class IndexedDbPinStore implements PinStore {
  constructor(
    private readonly database: IDBDatabase,
    private readonly profile: string,
  ) {}

  load(name: string): Promise<Uint8Array | undefined> {
    return loadKey(this.database, PINS, this.profile, name);
  }

  save(name: string, key: Uint8Array): Promise<void> {
    return saveKey(this.database, PINS, this.profile, name, key);
  }
}

/**
 * A {@link VerifiedStore} in IndexedDB for one profile: for each name, the key whose safety
 * number the person compared and marked verified.
 *
 * @example
 * await new IndexedDbVerifiedStore(database, "alice").save("bob", bobKey);
 */
export class IndexedDbVerifiedStore implements VerifiedStore {
  constructor(
    private readonly database: IDBDatabase,
    private readonly profile: string,
  ) {}

  async all(): Promise<Map<string, Uint8Array>> {
    const store = this.database.transaction(VERIFIED, "readonly").objectStore(VERIFIED);
    // A handful of records per profile: reading them all is simpler than a key range.
    const records = (await requestResult(store.getAll())) as KeyRecord[];
    return new Map(records.filter((record) => record.profile === this.profile).map((record) => [record.name, record.key]));
  }

  save(name: string, key: Uint8Array): Promise<void> {
    return saveKey(this.database, VERIFIED, this.profile, name, key);
  }

  async delete(name: string): Promise<void> {
    const transaction = this.database.transaction(VERIFIED, "readwrite");
    transaction.objectStore(VERIFIED).delete([this.profile, name]);
    await transactionDone(transaction);
  }
}

async function loadKey(database: IDBDatabase, storeName: string, profile: string, name: string): Promise<Uint8Array | undefined> {
  const store = database.transaction(storeName, "readonly").objectStore(storeName);
  const record = (await requestResult(store.get([profile, name]))) as KeyRecord | undefined;
  return record?.key;
}

async function saveKey(database: IDBDatabase, storeName: string, profile: string, name: string, key: Uint8Array): Promise<void> {
  const transaction = database.transaction(storeName, "readwrite");
  const record: KeyRecord = { profile, name, key: Uint8Array.from(key) };
  transaction.objectStore(storeName).put(record);
  await transactionDone(transaction);
}

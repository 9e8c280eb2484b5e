import type { OutboxEntry } from "../state/outbox.js";
import { OUTBOX } from "./database.js";
import { requestResult, transactionDone } from "./idb-request.js";
import type { OutboxStore } from "./outbox-store.js";

/** One profile's waiting messages. */
interface OutboxRecord {
  profile: string;
  entries: OutboxEntry[];
}

/**
 * An {@link OutboxStore} in IndexedDB: one record per profile.
 *
 * @example
 * const outboxStore = new IndexedDbOutboxStore(await openDatabase("pigeon", indexedDB));
 */
export class IndexedDbOutboxStore implements OutboxStore {
  constructor(private readonly database: IDBDatabase) {}

  async load(profile: string): Promise<OutboxEntry[]> {
    const store = this.database.transaction(OUTBOX, "readonly").objectStore(OUTBOX);
    const record = (await requestResult(store.get(profile))) as OutboxRecord | undefined;
    return record?.entries ?? [];
  }

  async save(profile: string, entries: readonly OutboxEntry[]): Promise<void> {
    const transaction = this.database.transaction(OUTBOX, "readwrite");
    const record: OutboxRecord = { profile, entries: [...entries] };
    transaction.objectStore(OUTBOX).put(record);
    await transactionDone(transaction);
  }
}

import type { Entry } from "../state/room.js";
import { HISTORY } from "./database.js";
import { MAX_HISTORY_ENTRIES, type HistoryStore } from "./history-store.js";
import { requestResult, transactionDone } from "./idb-request.js";

/** One room's kept entries. */
interface HistoryRecord {
  profile: string;
  room: string;
  entries: Entry[];
}

/**
 * A {@link HistoryStore} in IndexedDB: one record per profile and room, holding its latest
 * {@link MAX_HISTORY_ENTRIES} entries.
 *
 * @example
 * const history = new IndexedDbHistoryStore(await openDatabase("pigeon", indexedDB));
 */
export class IndexedDbHistoryStore implements HistoryStore {
  constructor(private readonly database: IDBDatabase) {}

  async load(profile: string): Promise<Map<string, Entry[]>> {
    const store = this.database.transaction(HISTORY, "readonly").objectStore(HISTORY);
    const range = IDBKeyRange.bound([profile, ""], [profile, "\uffff"]);
    const records = (await requestResult(store.getAll(range))) as HistoryRecord[];
    return new Map(records.map((record) => [record.room, record.entries]));
  }

  async save(profile: string, room: string, entries: readonly Entry[]): Promise<void> {
    const transaction = this.database.transaction(HISTORY, "readwrite");
    const record: HistoryRecord = { profile, room, entries: entries.slice(-MAX_HISTORY_ENTRIES) };
    transaction.objectStore(HISTORY).put(record);
    await transactionDone(transaction);
  }

  async forget(profile: string, room: string): Promise<void> {
    const transaction = this.database.transaction(HISTORY, "readwrite");
    transaction.objectStore(HISTORY).delete([profile, room]);
    await transactionDone(transaction);
  }
}

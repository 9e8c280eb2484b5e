import { requestResult } from "./idb-request.js";

/** The database's schema version: 1 had identities; 2 adds message history and the outbox. */
const DATABASE_VERSION = 2;

/** Object store of identity keys, by profile. */
export const IDENTITIES = "identities";
/** Object store of each room's recent messages, by profile and room. */
export const HISTORY = "history";
/** Object store of each profile's messages not yet accepted by the server. */
export const OUTBOX = "outbox";

/**
 * Opens (creating or upgrading) this browser's Pigeon database.
 *
 * @example
 * const database = await openDatabase("pigeon", indexedDB);
 */
export async function openDatabase(name: string, factory: IDBFactory): Promise<IDBDatabase> {
  const request = factory.open(name, DATABASE_VERSION);
  request.onupgradeneeded = () => {
    const database = request.result;
    if (!database.objectStoreNames.contains(IDENTITIES)) database.createObjectStore(IDENTITIES, { keyPath: "profile" });
    if (!database.objectStoreNames.contains(HISTORY)) database.createObjectStore(HISTORY, { keyPath: ["profile", "room"] });
    if (!database.objectStoreNames.contains(OUTBOX)) database.createObjectStore(OUTBOX, { keyPath: "profile" });
  };
  return await requestResult(request);
}

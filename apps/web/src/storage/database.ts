import { requestResult } from "./idb-request.js";

/**
 * The database's schema version: 1 had identities; 2 added message history and the outbox; 3
 * adds encrypted rooms' group state, pinned keys and verified contacts.
 */
const DATABASE_VERSION = 3;

/** Object store of identity keys, by profile. */
export const IDENTITIES = "identities";
/** Object store of each room's recent messages, by profile and room. */
export const HISTORY = "history";
/** Object store of each profile's messages not yet accepted by the server. */
export const OUTBOX = "outbox";
/** Object store of each encrypted room's MLS group state, by profile and room. */
export const GROUPS = "groups";
/** Object store of the key first seen for each name (trust on first use), by profile and name. */
export const PINS = "pins";
/** Object store of the keys the person compared safety numbers for, by profile and name. */
export const VERIFIED = "verified";

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
    const create = (store: string, keyPath: string | string[]): void => {
      if (!database.objectStoreNames.contains(store)) database.createObjectStore(store, { keyPath });
    };
    create(IDENTITIES, "profile");
    create(HISTORY, ["profile", "room"]);
    create(OUTBOX, "profile");
    create(GROUPS, ["profile", "room"]);
    create(PINS, ["profile", "name"]);
    create(VERIFIED, ["profile", "name"]);
  };
  const database = await requestResult(request);
  // Another tab opening a newer version asks this one to let go; a reload picks up the new code.
  database.onversionchange = () => {
    database.close();
  };
  return database;
}

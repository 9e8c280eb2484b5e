import { MemoryKeyStore } from "@pigeon/crypto";
import type { NamedKeyStore } from "../state/chat-store.js";
import { openDatabase } from "./database.js";
import { MemoryHistoryStore, type HistoryStore } from "./history-store.js";
import { IndexedDbHistoryStore } from "./idb-history-store.js";
import { IndexedDbGroupStateStore, IndexedDbPinStore, IndexedDbVerifiedStore } from "./idb-encryption-stores.js";
import { IndexedDbKeyStore } from "./idb-key-store.js";
import { IndexedDbOutboxStore } from "./idb-outbox-store.js";
import { MemoryOutboxStore, type OutboxStore } from "./outbox-store.js";
import { memoryVaults, type Vault } from "./vault.js";

/** This browser's storage for keys, message history, messages waiting to be sent and encrypted rooms. */
export interface Storage {
  keys: NamedKeyStore;
  history: HistoryStore;
  outbox: OutboxStore;
  /** A profile's MLS groups, pinned and verified keys. */
  vault: (profile: string) => Vault;
  /** False where the browser refused IndexedDB (some private modes): everything lasts as long as the tab. */
  persistent: boolean;
}

/**
 * Opens IndexedDB, or falls back to memory where the browser refuses it.
 *
 * @example
 * const { keys, history, persistent } = await openStorage();
 */
export async function openStorage(): Promise<Storage> {
  try {
    const database = await openDatabase("pigeon", indexedDB);
    return {
      keys: new IndexedDbKeyStore(database),
      history: new IndexedDbHistoryStore(database),
      outbox: new IndexedDbOutboxStore(database),
      vault: (profile) => ({
        groups: new IndexedDbGroupStateStore(database, profile),
        pins: new IndexedDbPinStore(database, profile),
        verified: new IndexedDbVerifiedStore(database, profile),
      }),
      persistent: true,
    };
  } catch {
    return { keys: memoryKeyStore(), history: new MemoryHistoryStore(), outbox: new MemoryOutboxStore(), vault: memoryVaults(), persistent: false };
  }
}

/** A key store in memory that can list its names. */
export function memoryKeyStore(): NamedKeyStore {
  const memory = new MemoryKeyStore();
  const names: string[] = [];
  return {
    load: (profile) => memory.load(profile),
    save: async (profile, identity) => {
      await memory.save(profile, identity);
      if (!names.includes(identity.name)) names.unshift(identity.name);
    },
    names: () => Promise.resolve([...names]),
  };
}

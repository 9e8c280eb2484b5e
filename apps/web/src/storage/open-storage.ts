import { MemoryKeyStore } from "@pigeon/crypto";
import type { NamedKeyStore } from "../state/chat-store.js";
import { openDatabase } from "./database.js";
import { MemoryHistoryStore, type HistoryStore } from "./history-store.js";
import { IndexedDbHistoryStore } from "./idb-history-store.js";
import { IndexedDbKeyStore } from "./idb-key-store.js";
import { IndexedDbOutboxStore } from "./idb-outbox-store.js";
import { MemoryOutboxStore, type OutboxStore } from "./outbox-store.js";

/** This browser's storage for keys, message history and messages waiting to be sent. */
export interface Storage {
  keys: NamedKeyStore;
  history: HistoryStore;
  outbox: OutboxStore;
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
      persistent: true,
    };
  } catch {
    return { keys: memoryKeyStore(), history: new MemoryHistoryStore(), outbox: new MemoryOutboxStore(), persistent: false };
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

import { createIdentityKey } from "./identity-key.js";
import type { Identity } from "./identity-document.js";

/**
 * Where identities are kept, one per profile (a CLI keeps one per user name; a browser may
 * keep one per account it shows). Async, so that storage can be a file, IndexedDB or a vault.
 *
 * @example
 * const identity = await store.load("alice");
 */
export interface KeyStore {
  /** The identity saved under `profile`, or undefined when there is none. */
  load(profile: string): Promise<Identity | undefined>;
  /** Saves `identity` under `profile`, replacing what was there. */
  save(profile: string, identity: Identity): Promise<void>;
}

/**
 * A {@link KeyStore} in memory: for tests, and for sessions that should leave nothing behind.
 *
 * @example
 * const store = new MemoryKeyStore();
 * await store.save("alice", { name: "alice", key: createIdentityKey() });
 */
export class MemoryKeyStore implements KeyStore {
  readonly #identities = new Map<string, Identity>();

  load(profile: string): Promise<Identity | undefined> {
    return Promise.resolve(this.#identities.get(profile));
  }

  save(profile: string, identity: Identity): Promise<void> {
    this.#identities.set(profile, identity);
    return Promise.resolve();
  }
}

/**
 * The identity saved under `profile`, or a new one for `name`, saved there first.
 *
 * @example
 * const { key } = await loadOrCreateIdentity(store, "alice", "alice");
 * await client.login("alice", { identity: key });
 */
export async function loadOrCreateIdentity(store: KeyStore, profile: string, name: string): Promise<Identity & { created: boolean }> {
  const existing = await store.load(profile);
  if (existing !== undefined) return { ...existing, created: false };
  const identity: Identity = { name, key: createIdentityKey() };
  await store.save(profile, identity);
  return { ...identity, created: true };
}

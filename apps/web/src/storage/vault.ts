import { MemoryGroupStateStore, MemoryPinStore, type GroupStateStore, type PinStore } from "@pigeon/crypto";

/**
 * The keys a person marked verified after comparing safety numbers, by name. A mark holds for
 * that key only: once the name shows another key, it is no longer verified.
 *
 * @example
 * await verified.save("bob", bobKey);
 */
export interface VerifiedStore {
  all(): Promise<Map<string, Uint8Array>>;
  save(name: string, key: Uint8Array): Promise<void>;
  delete(name: string): Promise<void>;
}

/**
 * One profile's encryption state on this device: its MLS groups (one per encrypted room), the
 * keys pinned on first use, and the keys it verified.
 *
 * @example
 * const { groups, pins } = storage.vault("alice");
 * createClient({ url, mls: { stateStore: groups, pinStore: pins } });
 */
export interface Vault {
  readonly groups: GroupStateStore;
  readonly pins: PinStore;
  readonly verified: VerifiedStore;
}

/** A {@link VerifiedStore} in memory. */
export class MemoryVerifiedStore implements VerifiedStore {
  readonly #keys = new Map<string, Uint8Array>();

  all(): Promise<Map<string, Uint8Array>> {
    return Promise.resolve(new Map(this.#keys));
  }

  save(name: string, key: Uint8Array): Promise<void> {
    this.#keys.set(name, Uint8Array.from(key));
    return Promise.resolve();
  }

  delete(name: string): Promise<void> {
    this.#keys.delete(name);
    return Promise.resolve();
  }
}

/**
 * Vaults in memory, one per profile, kept for as long as this object lives (a tab, a test).
 *
 * @example
 * const vaults = memoryVaults();
 * const vault = vaults("alice");
 */
export function memoryVaults(): (profile: string) => Vault {
  const vaults = new Map<string, Vault>();
  return (profile) => {
    let vault = vaults.get(profile);
    if (vault === undefined) {
      vault = { groups: new MemoryGroupStateStore(), pins: new MemoryPinStore(), verified: new MemoryVerifiedStore() };
      vaults.set(profile, vault);
    }
    return vault;
  };
}

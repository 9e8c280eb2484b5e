/**
 * Keys pinned on first use, per profile: the key first seen for each name.
 *
 * @example
 * const pins: PinStore = new MemoryPinStore();
 */
export interface PinStore {
  /** The key pinned for `name`, or undefined when none is. */
  load(name: string): Promise<Uint8Array | undefined>;
  /** Pins `key` for `name`, replacing any pin (only after the user accepted a change). */
  save(name: string, key: Uint8Array): Promise<void>;
}

/**
 * What {@link checkPin} found: a name seen for the first time (now pinned), the pinned key, or a
 * CHANGED key, which the SDK and CLI must show loudly (the pin is kept until the user accepts).
 *
 * @example
 * if (result.status === "changed") warn(`${name}'s key changed`);
 */
export type PinCheck =
  | { readonly status: "first-seen" }
  | { readonly status: "matches" }
  | { readonly status: "changed"; readonly previous: Uint8Array; readonly current: Uint8Array };

/**
 * Trust on first use: pins `key` for `name` when nothing is pinned, otherwise compares.
 *
 * @example
 * const result = await checkPin(pins, "bob", bobKey);
 */
export async function checkPin(store: PinStore, name: string, key: Uint8Array): Promise<PinCheck> {
  const previous = await store.load(name);
  if (previous === undefined) {
    await store.save(name, key);
    return { status: "first-seen" };
  }
  // Public keys: no need for a constant-time comparison.
  if (previous.length === key.length && previous.every((byte, index) => byte === key[index])) return { status: "matches" };
  return { status: "changed", previous, current: Uint8Array.from(key) };
}

/**
 * A {@link PinStore} in memory: for tests and sessions that keep nothing.
 *
 * @example
 * const pins = new MemoryPinStore();
 */
export class MemoryPinStore implements PinStore {
  readonly #pins = new Map<string, Uint8Array>();

  load(name: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.#pins.get(name));
  }

  save(name: string, key: Uint8Array): Promise<void> {
    this.#pins.set(name, Uint8Array.from(key));
    return Promise.resolve();
  }
}

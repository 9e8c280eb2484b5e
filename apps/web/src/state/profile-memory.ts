/** Where the name to sign in with next time is remembered. */
export interface ProfileMemory {
  get(): string | undefined;
  set(name: string | undefined): void;
}

const KEY = "pigeon.lastName";

/**
 * The last name signed in with, in localStorage (the key itself lives in IndexedDB), so a
 * reload resumes the chat. Storage that refuses (private modes) just forgets.
 *
 * @example
 * const memory = localProfileMemory(localStorage);
 */
export function localProfileMemory(storage: Storage | undefined): ProfileMemory {
  return {
    get: () => {
      try {
        return storage?.getItem(KEY) ?? undefined;
      } catch {
        return undefined;
      }
    },
    set: (name) => {
      try {
        if (name === undefined) storage?.removeItem(KEY);
        else storage?.setItem(KEY, name);
      } catch {
        // Not remembered: the person types the name again next time.
      }
    },
  };
}

/** A memory that holds nothing beyond this object (tests, private sessions). */
export function memoryProfileMemory(initial?: string): ProfileMemory {
  let name = initial;
  return {
    get: () => name,
    set: (next) => {
      name = next;
    },
  };
}

import type { RelayStore } from "@pigeon/relay";

/** The store's methods (not its `kind` or `limits`). */
export type StoreMethod = { [K in keyof RelayStore]: RelayStore[K] extends (...args: never[]) => unknown ? K : never }[keyof RelayStore];

/**
 * `store` with one method replaced, every other call passed through: `replacement` gets the
 * original (bound to the store) and the call's arguments. For tests that slow, break or watch one
 * store operation.
 *
 * @example
 * const broken = withStoreMethod(store, "memberships", () => Promise.reject(new Error("outage")));
 */
export function withStoreMethod<M extends StoreMethod>(
  store: RelayStore,
  method: M,
  replacement: (original: RelayStore[M], ...args: Parameters<RelayStore[M]>) => ReturnType<RelayStore[M]>,
): RelayStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(target) as RelayStore[M];
      if (property !== method) return bound;
      return (...args: Parameters<RelayStore[M]>) => replacement(bound, ...args);
    },
  });
}

import type { RelayStore } from "../store/relay-store.js";
import type { RelayMetrics } from "./relay-metrics.js";

/**
 * The store, with every call that returns a promise timed into `metrics` under the method's
 * name: one wrapper in one place instead of a timer at each call site. Calls the store makes
 * on itself stay untimed (they run on the store, not on the proxy), so nothing counts twice.
 * Methods replaced on the store later (tests do) are wrapped when they are read.
 *
 * @example
 * const store = timedStore(new MemoryStore(limits), metrics);
 */
export function timedStore(store: RelayStore, metrics: RelayMetrics): RelayStore {
  const wrapped = new WeakMap<object, unknown>();
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || typeof property !== "string") return value;
      let timed = wrapped.get(value);
      if (timed === undefined) {
        const method = value as (...args: unknown[]) => unknown;
        timed = (...args: unknown[]) => {
          const started = performance.now();
          const result = method.apply(target, args);
          if (!(result instanceof Promise)) return result;
          const done = () => {
            metrics.storeCall(property, (performance.now() - started) / 1000);
          };
          result.then(done, done);
          return result;
        };
        wrapped.set(value, timed);
      }
      return timed;
    },
  });
}

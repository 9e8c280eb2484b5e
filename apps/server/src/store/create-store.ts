import type { Config } from "../config.js";
import { MemoryStore } from "./memory-store.js";
import type { RelayStore } from "./relay-store.js";

const STORES: Record<Config["store"], () => RelayStore> = {
  memory: () => new MemoryStore(),
};

/**
 * The store the configuration names.
 *
 * @example
 * const store = createStore(loadConfig(argv, env));
 */
export function createStore(config: Pick<Config, "store">): RelayStore {
  return STORES[config.store]();
}

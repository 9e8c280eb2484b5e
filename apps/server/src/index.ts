export { createApp, type AppOptions, type Relay } from "./app.js";
export { Config, loadConfig, type ConfigInput } from "./config.js";
export type { RelayContext, RelayServer, RelaySocket } from "./context.js";
export { RelayError } from "./errors.js";
export { createLogger, type Logger } from "./logger.js";
export { createStore } from "./store/create-store.js";
export { MemoryStore } from "./store/memory-store.js";
export type { RelayStore } from "./store/relay-store.js";

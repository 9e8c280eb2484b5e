export { createClient, PigeonClient } from "./client.js";
export { ClientErrorCode, isProtocolErrorCode, PigeonError, type PigeonErrorCode } from "./errors.js";
export {
  DEFAULT_DEDUP_WINDOW,
  DEFAULT_TIMEOUT_MS,
  type ClientEventMap,
  type ClientOptions,
  type ConnectionState,
  type Logger,
} from "./options.js";
export type { Listener } from "./typed-emitter.js";

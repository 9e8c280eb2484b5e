export { ACK_DELAY_MS, DEFAULT_ACK_BATCH, DEFAULT_ACK_INTERVAL_MS } from "./ack-batcher.js";
export { createClient, PigeonClient } from "./client.js";
export type { DeliveredMessage, RestartNotice } from "./delivery.js";
export type { GroupChange, KeyChangeNotice, MlsOptions, SafetyNumber, StorageNotice, UndecryptableNotice, UndecryptableReason } from "./e2e/types.js";
export { ClientErrorCode, isProtocolErrorCode, PigeonError, type PigeonErrorCode } from "./errors.js";
export type { ExpiredNotice, GapReason } from "./inbox.js";
export {
  DEFAULT_DEDUP_WINDOW,
  DEFAULT_MAX_HELD_MESSAGES,
  DEFAULT_TIMEOUT_MS,
  type ClientEventMap,
  type ClientOptions,
  type ConnectionState,
  type JoinOptions,
  type LoginOptions,
  type SendOptions,
  type Logger,
} from "./options.js";
export type { Listener } from "./typed-emitter.js";
export { newClientId } from "./validate.js";

export { BooleanSetting, RelayConfig, type RelayConfigInput } from "./config.js";
export type { RelayContext, RelayServer, RelaySocket } from "./context.js";
export { RelayError } from "./errors.js";
export { silentLogger, type Logger } from "./logger.js";
export { createRelay, type RelayOptions } from "./relay.js";
export { createStore, retentionLimits } from "./store/create-store.js";
export { MemoryStore } from "./store/memory-store.js";
export { redisReachable } from "./store/redis/connect.js";
export { QuotaExceededError, senderShare } from "./store/relay-store.js";
export type {
  Committer,
  DeletedEntry,
  DeliveryState,
  ExpiredRange,
  FullReason,
  GroupChange,
  GroupLeaf,
  GroupRecordInput,
  GroupRefusal,
  GroupRefused,
  GroupView,
  MemberOptions,
  MemberPlace,
  MlsAppended,
  MlsSubmission,
  NameClaim,
  NameTaken,
  RelayStore,
  Removed,
  RetentionLimits,
  RoomCursor,
  StoredEntry,
  StoreUsage,
  SweepReport,
} from "./store/relay-store.js";
export type { Relay } from "./transport/app.js";

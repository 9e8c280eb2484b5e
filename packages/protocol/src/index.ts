export {
  AckResult,
  ErrorCode,
  ErrorEvent,
  PigeonErrorBody,
  type AckCallback,
} from "./errors.js";
export { ClientMessageId, EpochMs, Incarnation, Name, Room, Seq, Text } from "./fields.js";
export {
  LIMITS,
  MAX_NAME_LENGTH,
  MAX_PACKET_BYTES,
  MAX_RECEIPTS_PER_EVENT,
  MAX_ROOM_LENGTH,
  MAX_ROOMS_PER_CONNECTION,
  MAX_TEXT_LENGTH,
  TYPING_INTERVAL_MS,
} from "./limits.js";
export { PROTOCOL_VERSION } from "./version.js";
export { loginProof, PublicKey, Signature } from "./identity.js";
export {
  AckPayload,
  AckReply,
  Membership,
  type AckPayloadInput,
  ChatAck,
  ChatPayload,
  JoinAck,
  JoinPayload,
  LeaveAck,
  LeavePayload,
  LoginAck,
  LoginPayload,
  TypingAck,
  TypingPayload,
  type ChatPayloadInput,
  type JoinPayloadInput,
  type LeavePayloadInput,
  type LoginPayloadInput,
} from "./client-events.js";
export {
  CaughtUpEvent,
  ChatMessage,
  ExpiredEvent,
  Hello,
  Member,
  MemberChange,
  MemberChangesEvent,
  MembersEvent,
  Receipt,
  ReceiptsEvent,
  RetentionPolicy,
  TypingEvent,
} from "./server-events.js";
export {
  clientEvents,
  serverEvents,
  type AckData,
  type ClientEventName,
  type ClientPayload,
  type ClientPayloadInput,
  type ClientToServerEvents,
  type InterServerEvents,
  type ServerEventName,
  type ServerPayload,
  type ServerToClientEvents,
  type SocketData,
} from "./events.js";

import type { z } from "zod";
import {
  AckPayload,
  AckReply,
  ChatAck,
  ChatPayload,
  CreateGroupPayload,
  GroupAck,
  GroupInfoAck,
  GroupInfoPayload,
  JoinAck,
  JoinPayload,
  LeaveAck,
  LeavePayload,
  LoginAck,
  LoginPayload,
  MlsAck,
  MlsPayload,
  TypingAck,
  TypingPayload,
} from "./client-events.js";
import { ErrorEvent, type AckCallback } from "./errors.js";
import {
  CaughtUpEvent,
  ChatMessage,
  ExpiredEvent,
  GroupStatusEvent,
  Hello,
  MemberChangesEvent,
  MembersEvent,
  ReceiptsEvent,
  TypingEvent,
} from "./server-events.js";

/**
 * Every event a client may send: its payload schema and the schema of its ack data. The
 * server parses each payload with it before any handler runs; the SDK parses acks with it.
 *
 * @example
 * const result = clientEvents.join.payload.safeParse(raw);
 */
export const clientEvents = {
  login: { payload: LoginPayload, ack: LoginAck },
  join: { payload: JoinPayload, ack: JoinAck },
  leave: { payload: LeavePayload, ack: LeaveAck },
  chat: { payload: ChatPayload, ack: ChatAck },
  ack: { payload: AckPayload, ack: AckReply },
  typing: { payload: TypingPayload, ack: TypingAck },
  groupInfo: { payload: GroupInfoPayload, ack: GroupInfoAck },
  createGroup: { payload: CreateGroupPayload, ack: GroupAck },
  mls: { payload: MlsPayload, ack: MlsAck },
} as const;

/** The name of an event a client may send. */
export type ClientEventName = keyof typeof clientEvents;

/** What a client may send with event `E`. */
export type ClientPayloadInput<E extends ClientEventName> = z.input<(typeof clientEvents)[E]["payload"]>;
/** What a handler of event `E` receives, after parsing. */
export type ClientPayload<E extends ClientEventName> = z.output<(typeof clientEvents)[E]["payload"]>;
/** The data of a successful ack to event `E`. */
export type AckData<E extends ClientEventName> = z.output<(typeof clientEvents)[E]["ack"]>;

/**
 * Every event the server sends, with its payload schema. The SDK parses each one with it and
 * drops what does not match (telling its logger, if it has one).
 *
 * @example
 * const parsed = serverEvents.message.safeParse(raw);
 */
export const serverEvents = {
  hello: Hello,
  message: ChatMessage,
  members: MembersEvent,
  memberChanges: MemberChangesEvent,
  error: ErrorEvent,
  caughtUp: CaughtUpEvent,
  expired: ExpiredEvent,
  receipts: ReceiptsEvent,
  typing: TypingEvent,
  groupStatus: GroupStatusEvent,
} as const;

/** The name of an event the server sends. */
export type ServerEventName = keyof typeof serverEvents;

/**
 * What a client receives with server event `E`, after parsing.
 *
 * @example
 * const onMessage = (message: ServerPayload<"message">) => console.log(message.seq);
 */
export type ServerPayload<E extends ServerEventName> = z.output<(typeof serverEvents)[E]>;

/**
 * socket.io's map of client-to-server events, for `Server<ClientToServerEvents, …>` and
 * `Socket<ServerToClientEvents, ClientToServerEvents>`.
 *
 * The ack callback is required here so that typed clients handle every result and so that
 * socket.io's `emitWithAck` infers the result type. The server also accepts events without
 * one (the seed tutorial's clients send none) and reports failures as `error` events.
 *
 * @example
 * const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url);
 * const result = await socket.emitWithAck("chat", { room: "lobby", text: "hi" });
 */
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: ClientPayloadInput<E>, ack: AckCallback<AckData<E>>) => void;
};

/**
 * socket.io's map of server-to-client events.
 *
 * @example
 * socket.on("message", (message) => console.log(message.seq));
 */
export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: ServerPayload<E>) => void;
};

/**
 * Events between server nodes (through the socket.io adapter). None yet: nodes share state
 * through the store, not through messages to each other.
 */
export type InterServerEvents = Record<string, never>;

/**
 * What the server keeps on each socket (`socket.data`).
 *
 * @example
 * socket.data.rooms.at(-1) // the room a bare `chat` string goes to
 */
export interface SocketData {
  /** Set by a successful login. */
  name?: string;
  /** Set with `name`. */
  kind?: LoginAck["kind"];
  /** Rooms joined, oldest first; a bare `chat` string goes to the last one. */
  rooms: string[];
  /** The challenge sent in this connection's `hello`, for a keyed login to sign; empty once logged in. */
  challenge: string;
  /** The keyed identity's public key (base64url), once logged in with one. */
  publicKey?: string;
}

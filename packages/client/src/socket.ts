import {
  serverEvents,
  type CaughtUpEvent,
  type ChatMessage,
  type ExpiredEvent,
  type ClientEventName,
  type ErrorEvent,
  type Hello,
  type MemberChangesEvent,
  type MembersEvent,
  type ReceiptsEvent,
  type ServerEventName,
  type TypingEvent,
} from "@pigeon/protocol";
import { io, type Socket } from "socket.io-client";
import type { ClientOptions } from "./options.js";

// The SDK's socket is deliberately untyped at the edge: whatever arrives is `unknown` until a
// protocol schema has parsed it, and acks likewise.
type Inbound = { [E in ServerEventName]: (payload: unknown) => void };
type Outbound = { [E in ClientEventName]: (payload: unknown, ack: (result: unknown) => void) => void };

/** The socket.io socket underneath a client. */
export type RawSocket = Socket<Inbound, Outbound>;

/**
 * Sends an event without asking for an answer. The server then answers nothing when the event
 * succeeds and reports a failure as an `error` event (protocol: "a client that passed no ack
 * callback gets the error as an event"), so a busy client saves the server one frame per event.
 * For events whose success the caller does not need to know: batched delivery acks, typing.
 */
export function emitWithoutReply(socket: RawSocket, event: ClientEventName, payload: unknown): void {
  // The typed map requires an ack callback (so that emitWithAck infers results); socket.io
  // itself takes none, and sends a packet without an id then.
  (socket as unknown as { emit(event: ClientEventName, payload: unknown): unknown }).emit(event, payload);
}

/** The structural part of a zod schema that the SDK uses. */
export interface Schema<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: { message: string } };
}

/** What a client does with each server event (already parsed) and connection change. */
export interface SocketHandlers {
  hello: (hello: Hello) => void;
  message: (message: ChatMessage) => void;
  members: (event: MembersEvent) => void;
  memberChanges: (event: MemberChangesEvent) => void;
  error: (event: ErrorEvent) => void;
  caughtUp: (event: CaughtUpEvent) => void;
  expired: (event: ExpiredEvent) => void;
  receipts: (event: ReceiptsEvent) => void;
  typing: (event: TypingEvent) => void;
  /** A server event that failed its schema; it was dropped. */
  malformed: (event: ServerEventName, reason: string) => void;
  connected: () => void;
  connectFailed: (error: Error) => void;
  disconnected: () => void;
}

/** Creates the socket, not yet connected, with every handler in place. */
export function createSocket({ url, socketOptions }: ClientOptions, handlers: SocketHandlers): RawSocket {
  const socket: RawSocket = io(url, {
    transports: ["websocket"],
    forceNew: true,
    ...socketOptions,
    autoConnect: false,
  });
  onParsed(socket, "hello", serverEvents.hello, handlers.hello, handlers.malformed);
  onParsed(socket, "message", serverEvents.message, handlers.message, handlers.malformed);
  onParsed(socket, "members", serverEvents.members, handlers.members, handlers.malformed);
  onParsed(socket, "memberChanges", serverEvents.memberChanges, handlers.memberChanges, handlers.malformed);
  onParsed(socket, "error", serverEvents.error, handlers.error, handlers.malformed);
  onParsed(socket, "caughtUp", serverEvents.caughtUp, handlers.caughtUp, handlers.malformed);
  onParsed(socket, "expired", serverEvents.expired, handlers.expired, handlers.malformed);
  onParsed(socket, "receipts", serverEvents.receipts, handlers.receipts, handlers.malformed);
  onParsed(socket, "typing", serverEvents.typing, handlers.typing, handlers.malformed);
  socket.on("connect", handlers.connected);
  socket.on("connect_error", handlers.connectFailed);
  socket.on("disconnect", handlers.disconnected);
  return socket;
}

// Passes on only payloads that match the schema; anything else is reported, never thrown.
function onParsed<T>(
  socket: RawSocket,
  event: ServerEventName,
  schema: Schema<T>,
  handle: (payload: T) => void,
  malformed: (event: ServerEventName, reason: string) => void,
): void {
  socket.on(event, (payload: unknown) => {
    const parsed = schema.safeParse(payload);
    if (parsed.success) handle(parsed.data);
    else malformed(event, parsed.error.message);
  });
}

import type { ClientEventName, ClientPayloadInput, ServerEventName, ServerToClientEvents } from "@pigeon/protocol";
import { io, type Socket } from "socket.io-client";
import type { ClientOptions } from "./options.js";
import { eventNames, serverEventParsers } from "./parsers.js";

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
export function emitWithoutReply<E extends ClientEventName>(socket: RawSocket, event: E, payload: ClientPayloadInput<E>): void {
  // The typed map requires an ack callback (so that emitWithAck infers results); socket.io
  // itself takes none, and sends a packet without an id then.
  (socket as unknown as { emit(event: ClientEventName, payload: unknown): unknown }).emit(event, payload);
}

/**
 * What a client does with each server event (parsed with the protocol's schema: one handler
 * per event of its `serverEvents`, typed by `ServerToClientEvents`) and with connection changes.
 */
export interface SocketHandlers extends ServerToClientEvents {
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
  for (const event of eventNames(serverEventParsers)) onParsed(socket, event, handlers[event], handlers.malformed);
  socket.on("connect", handlers.connected);
  socket.on("connect_error", handlers.connectFailed);
  socket.on("disconnect", handlers.disconnected);
  return socket;
}

// Passes on only payloads that match the event's schema; anything else is reported, never thrown.
function onParsed<E extends ServerEventName>(
  socket: RawSocket,
  event: E,
  handle: ServerToClientEvents[E],
  malformed: (event: ServerEventName, reason: string) => void,
): void {
  const parser = serverEventParsers[event];
  const name: ServerEventName = event;
  socket.on(name, (payload: unknown) => {
    const parsed = parser.safeParse(payload);
    if (parsed.success) handle(parsed.data);
    else malformed(event, parsed.error.message);
  });
}

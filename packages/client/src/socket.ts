import type { ClientEventName, ServerEventName } from "@pigeon/protocol";
import { io, type Socket } from "socket.io-client";
import type { ClientOptions } from "./options.js";

// The SDK's socket is deliberately untyped at the edge: whatever arrives is `unknown` until a
// protocol schema has parsed it, and acks likewise.
type Inbound = { [E in ServerEventName]: (payload: unknown) => void };
type Outbound = { [E in ClientEventName]: (payload: unknown, ack: (result: unknown) => void) => void };

/** The socket.io socket underneath a client. */
export type RawSocket = Socket<Inbound, Outbound>;

/** The structural part of a zod schema that the SDK uses. */
export interface Schema<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: { message: string } };
}

/** Creates the socket without connecting it. */
export function createSocket({ url, socketOptions }: ClientOptions): RawSocket {
  return io(url, {
    transports: ["websocket"],
    forceNew: true,
    ...socketOptions,
    autoConnect: false,
  });
}

/**
 * Listens to a server event, passing on only payloads that match `schema`; anything else is
 * dropped and reported through `onMalformed`, never thrown.
 */
export function onParsed<T>(
  socket: RawSocket,
  event: ServerEventName,
  schema: Schema<T>,
  handle: (payload: T) => void,
  onMalformed: (event: ServerEventName, reason: string) => void,
): void {
  socket.on(event, (payload: unknown) => {
    const parsed = schema.safeParse(payload);
    if (parsed.success) handle(parsed.data);
    else onMalformed(event, parsed.error.message);
  });
}

import type { ChatMessage, ErrorEvent, Hello, MembersEvent } from "@pigeon/protocol";
import type { ManagerOptions, SocketOptions } from "socket.io-client";

/** How long a request (and the first connect) may take by default. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** How many recent message ids are remembered to drop duplicates. */
export const DEFAULT_DEDUP_WINDOW = 1_000;

/**
 * Where the SDK reports what it drops or cannot handle. `console` fits.
 *
 * @example
 * const logger: Logger = { warn: (message, details) => log.warn({ details }, message) };
 */
export interface Logger {
  warn(message: string, details?: unknown): void;
}

/**
 * Options of {@link createClient}.
 *
 * @example
 * const options: ClientOptions = { url: "http://localhost:3000", timeoutMs: 5_000 };
 */
export interface ClientOptions {
  /** The server's address, e.g. `http://localhost:3000`. */
  url: string;
  /** How long each request waits for its ack. Default {@link DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
  /**
   * How long the first `connect()` keeps trying before it rejects with `UNREACHABLE`.
   * Default: `timeoutMs`. Later reconnects are socket.io's business and never give up.
   */
  connectTimeoutMs?: number;
  /** Where malformed server events and throwing listeners are reported. Default `console`. */
  logger?: Logger;
  /** How many recent message ids are kept to drop duplicates. Default {@link DEFAULT_DEDUP_WINDOW}. */
  dedupWindow?: number;
  /**
   * Passed to socket.io-client's `io()`. The SDK defaults to `transports: ["websocket"]` (no
   * sticky sessions needed behind a load balancer) and `forceNew: true` (one connection per client).
   */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

/**
 * Where the connection stands. `reconnecting` means socket.io is retrying and the SDK will
 * log in and rejoin by itself; `disconnected` means it will not (closed, or refused by the server).
 *
 * @example
 * client.on("state", (state) => statusBar.show(state));
 */
export type ConnectionState = "connecting" | "connected" | "reconnecting" | "disconnected";

/**
 * The events a {@link PigeonClient} emits, with their payloads.
 *
 * @example
 * const onMessage = (message: ClientEventMap["message"]) => console.log(message.message);
 */
export type ClientEventMap = {
  /** A chat message, each `id` at most once. */
  message: ChatMessage;
  /** A room's member list changed. */
  members: MembersEvent;
  /** The server reports a failed event that had no ack, or the SDK failed to rejoin after a reconnect. */
  error: ErrorEvent;
  /** The connection state changed. */
  state: ConnectionState;
  /** The server greeted a new connection (the first and every reconnect). */
  hello: Hello;
};

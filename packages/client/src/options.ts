import type { IdentityKey } from "@pigeon/crypto";
import type { RoomMode, ServerEventName, ServerPayload } from "@pigeon/protocol";
import type { ManagerOptions, SocketOptions } from "socket.io-client";
import type { DeliveredMessage, RestartNotice } from "./delivery.js";
import type { GroupChange, KeyChangeNotice, MlsOptions, StorageNotice, UndecryptableNotice } from "./e2e/types.js";
import type { ExpiredNotice } from "./inbox.js";

/** How long a request (and the first connect) may take by default. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** How many recent message ids are remembered to drop duplicates. */
export const DEFAULT_DEDUP_WINDOW = 1_000;

/**
 * How many messages one room may hold back behind a gap by default.
 *
 * @example
 * createClient({ url, maxHeldMessages: DEFAULT_MAX_HELD_MESSAGES * 2 });
 */
export const DEFAULT_MAX_HELD_MESSAGES = 10_000;

/**
 * Where the SDK reports what it drops or cannot handle. `console` fits. Without one the SDK
 * writes nothing anywhere: a library speaks only when asked.
 *
 * @example
 * const logger: Logger = { warn: (message, details) => log.warn({ details }, message) };
 * createClient({ url, logger: console });
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
  /**
   * Where the SDK reports what it drops or works around: malformed server events, throwing
   * listeners, refused acks, a session it could not restore. Default: nowhere (the SDK is
   * silent); pass `console` to see them.
   */
  logger?: Logger;
  /** How many recent message ids a guest keeps to drop duplicates. Default {@link DEFAULT_DEDUP_WINDOW}. */
  dedupWindow?: number;
  /**
   * Whether this client consumes the identity's messages (default true). A send-only client
   * (a script that posts and exits) sets false: it then hands no messages to the app and acks
   * none, so the server keeps holding them for the identity's readers.
   */
  receive?: boolean;
  /**
   * How many messages one room may hold back behind a gap. Past it the client drops them
   * unacked and reconnects, so the server replays them in order. Default {@link DEFAULT_MAX_HELD_MESSAGES}.
   */
  maxHeldMessages?: number;
  /**
   * Under steady traffic, acks go out at most this often (each costs the server an event);
   * after a quiet spell a delivered message is acked within 100 ms. Default 1000 ms.
   */
  ackIntervalMs?: number;
  /** An ack goes out at once after this many delivered messages. Default 100. */
  ackBatch?: number;
  /**
   * How long (ms) a keyed session lets a gap in a room stay open before it reconnects to have
   * the room replayed (default 2000). Gaps normally close in milliseconds.
   */
  gapWaitMs?: number;
  /**
   * Passed to socket.io-client's `io()`. The SDK defaults to `transports: ["websocket"]` (no
   * sticky sessions needed behind a load balancer) and `forceNew: true` (one connection per client).
   */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
  /**
   * Encrypted rooms: the MLS crypto provider, where group state is kept between runs, where
   * keys are pinned. Default: the portable provider and memory stores. On Node pass
   * `nodeCryptoProvider` from `@pigeon/crypto/node`, and file stores to survive restarts.
   */
  mls?: MlsOptions;
  /**
   * The mode `join` uses when the call names none. Default: `encrypted` for keyed sessions,
   * `plain` for guests. A client for plain rooms only (a `--plain` command line) sets `plain`.
   */
  defaultRoomMode?: RoomMode;
}

/**
 * Where the connection stands. `reconnecting` means socket.io is retrying and the SDK will
 * log in and rejoin by itself; `disconnected` means it will not (closed, or refused by the server).
 *
 * @example
 * client.on("state", (state) => statusBar.show(state));
 */
export type ConnectionState = "connecting" | "connected" | "reconnecting" | "disconnected";

// Server events that the SDK turns into something else before the app sees them.
type Reworked = "message" | "expired" | "memberChanges";

/**
 * The events a {@link PigeonClient} emits, with their payloads. Derived from the protocol's
 * server events: each is passed on under its own name with its own payload (`hello` on every
 * connect, `caughtUp`, `receipts`, `typing`, `members`, `error`), except those the SDK
 * reworks: `message` and `expired` come through its delivery order, and `memberChanges` is
 * folded into `members` (the app always gets a room's whole list). `error` also reports a
 * room the SDK failed to rejoin after a reconnect. `state` is the SDK's own.
 *
 * @example
 * const onMessage = (message: ClientEventMap["message"]) => console.log(message.message);
 */
export type ClientEventMap = { [E in Exclude<ServerEventName, Reworked>]: ServerPayload<E> } & {
  /**
   * A chat message. Keyed sessions get each room's messages exactly once and in seq order,
   * across reconnects; guests get live messages, each `id` once.
   */
  message: DeliveredMessage;
  /** Messages of a room that this client will never get (expired, or dropped by the room's quota). */
  expired: ExpiredNotice;
  /**
   * A keyed session's room started over on the server (its seqs began again): what came
   * before stays delivered, messages sent while the server was down may be missing, and
   * everything sent after it is delivered in order.
   */
  restarted: RestartNotice;
  /** The connection state changed. */
  state: ConnectionState;
  /** An encrypted room's group changed: we arrived in it, or a commit added or removed members. */
  group: GroupChange;
  /** A pinned name showed another key. Show it so that it cannot be missed. */
  keyChanged: KeyChangeNotice;
  /** Messages of an encrypted room that this client could not read, and why. */
  undecryptable: UndecryptableNotice;
  /** An encrypted room's state could not be saved on this device, or could again. */
  storage: StorageNotice;
};

/**
 * Options of {@link PigeonClient.login}.
 *
 * @example
 * await client.login("alice", { identity: createIdentityKey() });
 */
export interface LoginOptions {
  /**
   * The identity key to log in with (a keyed login: the server holds messages for it while
   * it is away). Without one the login is a guest's: live messages only.
   */
  identity?: IdentityKey;
}

/**
 * Options of {@link PigeonClient.join}.
 *
 * @example
 * await client.join("tutorial", { mode: "plain" });
 */
export interface JoinOptions {
  /**
   * The mode to create the room with if it is new, and the least the caller accepts: with
   * `encrypted` (the default for keyed sessions) an existing plain room is refused with
   * `ROOM_NOT_ENCRYPTED`; with `plain` (the default for guests) an existing encrypted room is
   * joined encrypted (keyed sessions) and the ack says so. Guests cannot join encrypted rooms.
   */
  mode?: RoomMode;
}

/**
 * Options of {@link PigeonClient.send}.
 *
 * @example
 * await client.send("lobby", "hello", { clientId: draft.id });
 */
export interface SendOptions {
  /**
   * The message's own id (8 to 64 letters, digits, `_` or `-`), the same for every attempt to
   * send it: the server answers a repeat with the original instead of storing it twice. The
   * SDK makes one when none is given and uses it for its own retries; give one to retry
   * across restarts of the app (a draft saved on disk, say).
   */
  clientId?: string;
}

import type {
  ClientToServerEvents,
  InterServerEvents,
  ServerToClientEvents,
  SocketData,
} from "@pigeon/protocol";
import type { Server, Socket } from "socket.io";
import type { RelayConfig } from "./config.js";
import type { RelayLimits } from "./limits/limits.js";
import type { Logger } from "./logger.js";
import type { RelayMetrics } from "./metrics/relay-metrics.js";
import type { DeletedEntry, RelayStore, SeqRange } from "./store/relay-store.js";

/** The relay's socket.io server, typed with the protocol's event maps. */
export type RelayServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** One client connection, typed with the protocol's event maps. */
export type RelaySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** What every handler may use. */
export interface RelayContext {
  readonly io: RelayServer;
  readonly store: RelayStore;
  readonly config: RelayConfig;
  readonly logger: Logger;
  /** The keyed rate limits (per address, name and identity), shared by every node with Redis. */
  readonly limits: RelayLimits;
  /** Milliseconds since the epoch; injectable so tests can move time. */
  readonly clock: () => number;
  readonly receipts: Receipts;
  readonly memberChanges: MemberChangeFeed;
  /**
   * Resolves once broadcasts to `room` from every node reach this one: with Redis, the
   * adapter's subscription to the room's channel is in place; on one node, at once.
   */
  readonly roomReady: (room: string) => Promise<void>;
  /**
   * Whether broadcasts reach this node and leave it: with Redis, both of the adapter's clients
   * are connected (with its subscriptions sent again); on one node, always.
   */
  readonly broadcastsFlow: () => boolean;
  /** The origins this relay answers at: a keyed login must be signed for one of them. */
  readonly origins: OriginCheck;
  /** Counters for Prometheus (no-ops unless metrics are on). */
  readonly metrics: RelayMetrics;
}

/** Where handlers say that delivery in a room moved (implemented by `delivery/receipts`). */
export interface Receipts {
  /**
   * Delivery in `room` moved, and these entries went; an ack says which seqs its cursor `moved`
   * over. The senders hear of it soon.
   */
  touch(room: string, deleted?: readonly DeletedEntry[], moved?: SeqRange): void;
  /** Sends every pending receipt now. */
  flushAll(): Promise<void>;
}

/** Where handlers say that a room's member list changed (implemented by `membership/member-changes`). */
export interface MemberChangeFeed {
  /** `name`'s place in `room` changed: joined, left, came online, went offline. */
  changed(room: string, name: string): void;
}

/** The origins a relay answers at (implemented by `auth/public-origins`). */
export interface OriginCheck {
  /** Whether `origin` (as `new URL(url).origin` gives it) is one this relay answers at. */
  has(origin: string): boolean;
  /** The set, for logs and refusals. */
  describe(): string;
}

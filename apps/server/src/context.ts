import type {
  ClientToServerEvents,
  InterServerEvents,
  ServerToClientEvents,
  SocketData,
} from "@pigeon/protocol";
import type { Server, Socket } from "socket.io";
import type { Config } from "./config.js";
import type { Logger } from "./logger.js";
import type { MemberChanges } from "./delivery/member-changes.js";
import type { ReceiptScheduler } from "./delivery/receipts.js";
import type { RelayStore } from "./store/relay-store.js";

/** The relay's socket.io server, typed with the protocol's event maps. */
export type RelayServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** One client connection, typed with the protocol's event maps. */
export type RelaySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** What every handler may use. */
export interface RelayContext {
  readonly io: RelayServer;
  readonly store: RelayStore;
  readonly config: Config;
  readonly logger: Logger;
  /** Milliseconds since the epoch; injectable so tests can move time. */
  readonly clock: () => number;
  readonly receipts: ReceiptScheduler;
  readonly memberChanges: MemberChanges;
}

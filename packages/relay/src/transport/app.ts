import type { EventEmitter } from "node:events";
import { ServerResponse, type IncomingMessage, type Server as HttpServer } from "node:http";
import { MAX_PACKET_BYTES } from "@pigeon/protocol";
import { Server } from "socket.io";
import type { RelayConfig } from "../config.js";
import { connectionHandler } from "./connection.js";
import type { RelayContext, RelayServer, RelaySocket } from "../context.js";
import { MemberChanges } from "../membership/member-changes.js";
import { ReceiptScheduler } from "../delivery/receipts.js";
import { Heartbeat } from "../membership/heartbeat.js";
import { sweep } from "../delivery/sweeper.js";
import { memberCatchUp } from "../delivery/catch-up.js";
import { httpRoutes } from "./http-routes.js";
import { PublicOrigins } from "../auth/public-origins.js";
import { guardConnections } from "./guards.js";
import { batchWrites } from "./write-batching.js";
import { RelayLimits } from "../limits/limits.js";
import type { Logger } from "../logger.js";
import type { RedisAdapter } from "./redis-adapter.js";
import type { SerialQueue } from "./serial-queue.js";
import type { RelayStore } from "../store/relay-store.js";
import { installMetrics } from "../metrics/install.js";
import type { PrometheusMetrics } from "../metrics/relay-metrics.js";
import { originCheck } from "./origins.js";
import { jsonParser } from "./json-parser.js";

/** A running relay, attached to an HTTP server that its creator listens on. */
export interface Relay {
  readonly io: RelayServer;
  readonly context: RelayContext;
  /** The relay's Prometheus metrics; undefined unless `metricsPort` or `metricsToken` is set. */
  readonly metrics: PrometheusMetrics | undefined;
  /** The port `/metrics` is served on by itself, when `metricsPort` is set. */
  readonly metricsPort?: number;
  /** Drops expired messages and members now (it also runs every `sweepIntervalMs`). */
  sweep(): Promise<void>;
  /**
   * Graceful shutdown: stops accepting connections, closes every transport (so clients
   * reconnect, to another node behind a load balancer), lets queued events finish, then
   * closes the store. Resolves when done; calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/** What `createApp` needs. */
export interface AppOptions {
  readonly config: RelayConfig;
  readonly store: RelayStore;
  readonly logger: Logger;
  /** Milliseconds since the epoch; tests pass their own to move time. */
  readonly clock?: () => number;
  /** socket.io's Redis adapter, so broadcasts reach every node; closed with the relay. */
  readonly adapter?: RedisAdapter;
  /** The keyed rate limits (default: the configuration's, in Redis with the Redis store); closed with the relay. */
  readonly limits?: RelayLimits;
}

/**
 * Builds the relay on an HTTP server. Never calls `listen`: the caller decides the port.
 *
 * @example
 * const httpServer = createServer();
 * const relay = createApp(httpServer, { config, store: new MemoryStore(), logger });
 * httpServer.listen(config.port);
 */
export function createApp(httpServer: HttpServer, options: AppOptions): Relay {
  const { config, logger, clock = Date.now, adapter, limits = RelayLimits.open(config, logger) } = options;
  // socket.io answers /socket.io/ and hands every other request to the listeners that were
  // there before it attached, so the routes go on first.
  const routes: { handle?: ReturnType<typeof httpRoutes> } = {};
  httpServer.on("request", (request, response) => routes.handle?.(request, response));
  const io: RelayServer = new Server(httpServer, {
    maxHttpBufferSize: MAX_PACKET_BYTES,
    parser: jsonParser,
    ...(adapter ? { adapter: adapter.adapter } : {}),
    serveClient: false,
    // Unset allowedOrigins: any page may connect, as the seed's clients expect; nothing here
    // relies on cookies. Set, CORS admits the listed origins and allowRequest refuses others.
    cors: { origin: config.allowedOrigins ?? true },
    allowRequest: allowOrigins(config.allowedOrigins),
    // An engine.io session that never opens a socket.io connection is closed by the login deadline too.
    connectTimeout: config.loginDeadlineMs,
  });
  const { metrics, prometheus, store } = installMetrics(config, options.store, io);
  const receipts = new ReceiptScheduler(io, store, config.receiptIntervalMs, logger);
  const memberChanges = new MemberChanges(io, store, config.memberIntervalMs, logger);
  const roomReady = adapter ? (room: string) => adapter.subscribed(room) : () => Promise.resolve();
  const broadcastsFlow = adapter ? () => adapter.connected() : () => true;
  const origins = new PublicOrigins(config.publicOrigins, () => httpServer.address());
  const context: RelayContext = { io, store, config, logger, limits, clock, receipts, memberChanges, roomReady, broadcastsFlow, origins, metrics };
  const queues = new Map<RelaySocket, SerialQueue>();
  routes.handle = httpRoutes(context, prometheus);
  // Before forgetRequests: the guards read each new connection's request for its address.
  const stopGuards = guardConnections(io, context);
  forgetRequests(io);
  batchWrites(io);
  io.on("connection", connectionHandler(context, queues));
  // What other nodes broadcast while this one could not hear them is in the store: replayed.
  adapter?.onResubscribed(memberCatchUp(context));
  const runSweep = () => sweep(context);
  const heart = new Heartbeat(context);
  const timers = [
    every(config.sweepIntervalMs, runSweep, (error) => {
      logger.error({ err: error }, "sweep failed");
    }),
    every(config.heartbeatIntervalMs, () => heart.beat(), (error) => {
      logger.warn({ err: error }, "heartbeat failed");
    }),
  ];

  let closing: Promise<void> | undefined;
  const shutdown = async (): Promise<void> => {
    for (const timer of timers) clearInterval(timer);
    stopGuards();
    await new Promise<void>((resolve) => {
      void io.close(() => {
        resolve();
      });
    });
    await Promise.all([...queues.values()].map((queue) => queue.drain()));
    await receipts.flushAll().catch((error: unknown) => {
      logger.warn({ err: error }, "receipts not sent at shutdown");
    });
    await memberChanges.flushAll().catch((error: unknown) => {
      logger.warn({ err: error }, "member changes not sent at shutdown");
    });
    receipts.stop();
    await store.close();
    await adapter?.close();
    await limits.close();
  };

  return {
    io,
    context,
    metrics: prometheus,
    sweep: runSweep,
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}

/**
 * socket.io keeps each session's first HTTP request (for cookie sessions, which Pigeon does not
 * use), and engine.io 6 keeps each WebSocket's upgrade request too, through the response object
 * it builds for middlewares, which a `close` listener on the TCP socket holds for the
 * connection's life. Pigeon reads neither after the handshake (socket.handshake keeps what
 * socket.io needs), so both go: about 1 KiB per idle connection. So does that stand-in itself,
 * with its listener (nothing here listens for its `close`), and the no-op `error` listener
 * engine.io leaves on each new WebSocket once its transport listens for errors: about 600 bytes.
 */
function forgetRequests(io: RelayServer): void {
  const upgrades = new WeakMap<object, { req: unknown; socket?: EventEmitter }>();
  io.engine.use((request: object, response: object, next: () => void) => {
    // An upgrade's response is engine.io's stand-in, not an http.ServerResponse.
    if (!(response instanceof ServerResponse) && "req" in response) upgrades.set(request, response);
    next();
  });
  // engine.io is done with the stand-in once the upgrade's headers are out (it deletes what
  // the stand-in's setHeader writes to), for a new session and for an upgrading one alike.
  io.engine.on("headers", (_headers: unknown, request: object) => {
    const response = upgrades.get(request);
    if (response === undefined) return;
    response.req = null;
    if (response.socket) removeListeners(response.socket, "close", STAND_IN_CLOSE);
    upgrades.delete(request);
  });
  // A WebSocket transport's `socket` is the ws WebSocket; a polling transport has none.
  io.engine.on("connection", (rawSocket: { request: unknown; transport: { socket?: EventEmitter } }) => {
    rawSocket.request = null;
    const { socket } = rawSocket.transport;
    if (socket) removeListeners(socket, "error", UPGRADE_ERROR);
  });
}

/** engine.io's stand-in response forwards its TCP socket's `close` with this listener. */
const STAND_IN_CLOSE = (listener: Listener) => String(listener) === '() => this.emit("close")';
/** engine.io's no-op `error` listener on a WebSocket that has no transport yet. */
const UPGRADE_ERROR = (listener: Listener) => listener.name === "onUpgradeError";

type Listener = (...args: unknown[]) => unknown;

/** Removes `event` listeners (`once` ones too) that `matches` picks out by their function. */
function removeListeners(emitter: EventEmitter, event: string, matches: (listener: Listener) => boolean): void {
  for (const raw of emitter.rawListeners(event) as (Listener & { listener?: Listener })[]) {
    if (matches(raw.listener ?? raw)) emitter.removeListener(event, raw);
  }
}

/** engine.io's handshake check (polling and WebSocket alike): refuses browsers from other origins. */
function allowOrigins(allowed: readonly string[] | undefined) {
  const check = originCheck(allowed);
  return (request: IncomingMessage, callback: (error: string | null | undefined, success: boolean) => void): void => {
    const refused = check(request);
    callback(refused ?? null, refused === undefined);
  };
}

function every(intervalMs: number, task: () => Promise<void>, onError: (error: unknown) => void): NodeJS.Timeout {
  const timer = setInterval(() => {
    task().catch(onError);
  }, intervalMs);
  timer.unref();
  return timer;
}

import { ServerResponse, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { ErrorCode } from "@pigeon/protocol";
import type { RelayContext, RelayServer } from "../context.js";
import { clientAddress } from "../limits/address.js";

/** How long a client refused for holding too many connections is told to wait. */
const SESSIONS_RETRY_AFTER_MS = 5_000;
/** How often open connections are checked for slow readers and missed login deadlines. */
const MAX_CHECK_INTERVAL_MS = 1_000;

/** What the guards read of an engine.io connection (engine.io's Socket, structurally). */
interface EngineConnection {
  readonly request: IncomingMessage | null;
  /** The TCP peer; the guards replace it with the address the relay counts, for socket.io's `handshake.address`. */
  remoteAddress: string;
  readonly writeBuffer: readonly { readonly data?: unknown }[];
  readonly transport: { readonly socket?: { readonly bufferedAmount?: number; terminate?(): void } };
  on(event: "close", listener: (this: EngineConnection) => void): void;
  close(discard?: boolean): void;
}

type Middleware = (request: IncomingMessage, response: ServerResponse, next: (error?: Error) => void) => void;

/**
 * Guards the relay's connections before and beyond their events: new connections (engine.io
 * handshakes) per address per minute and connections open per address are refused with HTTP 429
 * and a JSON body naming RATE_LIMITED (no socket can be answered yet); a connection not logged
 * in by the login deadline gets an `error` event and is closed; a connection whose unsent data
 * passes `maxSendBufferBytes` without draining since the last check is closed (what it missed
 * stays held, and is replayed when it returns). Each connection's `handshake.address` becomes
 * the address it is counted under (see `trustProxy`). Returns how to stop the periodic check.
 * Must be installed before anything that drops engine.io's requests (see `forgetRequests`).
 *
 * @example
 * const stop = guardConnections(io, context);
 */
export function guardConnections(io: RelayServer, context: RelayContext): () => void {
  const { config, limits } = context;
  const open = new Map<string, number>();
  const refusedFull = new Set<string>();

  const admit: Middleware = (request, response, next) => {
    const query = (request as { _query?: { sid?: string } })._query;
    if (query?.sid !== undefined) {
      next();
      return;
    }
    const address = clientAddress(request.socket.remoteAddress, request.headers, config.trustProxy);
    if ((open.get(address) ?? 0) >= config.sessionsPerAddress) {
      if (!refusedFull.has(address)) limits.refused("sessions", { address, event: "handshake" }, SESSIONS_RETRY_AFTER_MS);
      refusedFull.add(address);
      refuseHttp(response, "too many open connections from this address", SESSIONS_RETRY_AFTER_MS);
      return;
    }
    limits.handshake(address).then(
      (waitMs) => {
        if (waitMs === undefined) next();
        else refuseHttp(response, "too many new connections from this address; wait and retry", waitMs);
      },
      (error: unknown) => {
        context.logger.error({ err: error, address }, "handshake limit failed");
        next();
      },
    );
  };
  io.engine.use(admit);

  io.engine.on("connection", (connection: EngineConnection) => {
    const request = connection.request;
    if (request === null) return;
    const address = clientAddress(request.socket.remoteAddress, request.headers, config.trustProxy);
    // socket.io copies this into each socket's `handshake.address`, which the handlers count by
    // (engine.io's request, with the proxy's headers, is dropped once connected).
    connection.remoteAddress = address;
    open.set(address, (open.get(address) ?? 0) + 1);
    connection.on("close", closed);
  });
  // One listener for every connection (engine.io emits `close` once, with `this` the
  // connection), not a closure and a `once` wrapper each: about 250 bytes an idle connection.
  function closed(this: EngineConnection): void {
    const address = this.remoteAddress;
    const left = (open.get(address) ?? 1) - 1;
    if (left > 0) open.set(address, left);
    else open.delete(address);
    if (left < config.sessionsPerAddress) refusedFull.delete(address);
  }

  const backlog = new WeakMap<EngineConnection, number>();
  const check = () => {
    // engine.io keeps its open connections in `clients` (protected in its types, public in fact).
    const clients = (io.engine as unknown as { clients: Record<string, EngineConnection> }).clients;
    for (const id in clients) {
      const connection = clients[id];
      if (connection !== undefined) checkBacklog(connection);
    }
    const now = Date.now();
    for (const socket of io.of("/").sockets.values()) {
      if (socket.data.name !== undefined || now - socket.handshake.issued < config.loginDeadlineMs) continue;
      context.logger.debug({ socket: socket.id }, "no login by the deadline: closing");
      socket.emit("error", { event: "login", code: ErrorCode.NOT_LOGGED_IN, message: `no login within ${config.loginDeadlineMs} ms of connecting; closing` });
      socket.disconnect(true);
    }
  };
  const checkBacklog = (connection: EngineConnection) => {
    const bytes = unsentBytes(connection);
    if (bytes <= config.maxSendBufferBytes) {
      backlog.delete(connection);
      return;
    }
    const before = backlog.get(connection);
    backlog.set(connection, bytes);
    // Over the limit but smaller than at the last check: it is reading (a long replay on a slow link).
    if (before === undefined || bytes < before) return;
    context.logger.info({ address: connection.remoteAddress, bytes }, "slow reader: closing its connection");
    const ws = connection.transport.socket;
    connection.close(true);
    ws?.terminate?.();
  };
  const timer = setInterval(check, Math.min(MAX_CHECK_INTERVAL_MS, Math.ceil(config.loginDeadlineMs / 2)));
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}

/** What a connection has waiting to be sent: engine.io's buffer, and the WebSocket's. */
function unsentBytes(connection: EngineConnection): number {
  let bytes = connection.transport.socket?.bufferedAmount ?? 0;
  for (const packet of connection.writeBuffer) {
    const { data } = packet;
    if (typeof data === "string") bytes += data.length;
    else if (data instanceof Uint8Array) bytes += data.byteLength;
  }
  return bytes;
}

/** Answers a request that cannot get a socket with HTTP 429 and a JSON body naming RATE_LIMITED. */
function refuseHttp(response: ServerResponse, message: string, retryAfterMs: number): void {
  const body = JSON.stringify({ code: ErrorCode.RATE_LIMITED, message, retryAfterMs: Math.ceil(retryAfterMs) });
  const headers = {
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(body)),
    "Retry-After": String(Math.ceil(retryAfterMs / 1000)),
  };
  if (response instanceof ServerResponse) {
    response.writeHead(429, headers);
    response.end(body);
    return;
  }
  // A WebSocket upgrade: engine.io's stand-in response has no status line, so write one.
  const socket = (response as { socket?: Duplex }).socket;
  if (socket === undefined || !socket.writable) return;
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(`HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\n${lines.join("")}\r\n${body}`);
}

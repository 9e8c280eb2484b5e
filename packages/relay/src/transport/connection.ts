import { randomBytes } from "node:crypto";
import { ErrorCode, LIMITS, PROTOCOL_VERSION } from "@pigeon/protocol";
import type { RelayContext, RelaySocket } from "../context.js";
import { answer, refusal, type Ack } from "../handlers/define-handler.js";
import { disconnect, handlers, type Handler } from "../handlers/index.js";
import { compactConnection } from "./compact-connection.js";
import { compactHandshake } from "./handshake.js";
import { SerialQueue } from "./serial-queue.js";
import { TokenBucket } from "../limits/token-bucket.js";

const CHALLENGE_BYTES = 32;

const MAX_ECHOED_EVENT_NAME = 64;

/** A full queue is no rate to compute a wait from: this is long enough for it to drain. */
const QUEUE_FULL_RETRY_AFTER_MS = 1_000;

const monotonicClock = () => performance.now();

/**
 * Builds what sets up each connection: greets it with `hello`, hands every event to its
 * handler behind the connection's serial queue, and cleans up after it closes. The listeners
 * are made once per relay (socket.io calls them with `this` set to the socket), so an idle
 * connection costs the relay only its queue and `socket.data`, not a closure per event
 * (`compactConnection` then makes socket.io's table of them an ordinary object).
 * They go on with `socket.on`, behind any `socket.use` middleware; an `onAny` listener, which
 * socket.io runs before middlewares, only refuses events the protocol does not have.
 * `queues` holds each open connection's queue, for the relay to drain at shutdown. Each
 * connection's events go through its token bucket first (`eventsPerSecond`, `eventBurst`):
 * past it they are refused with RATE_LIMITED, and a connection that keeps sending through a
 * whole burst of refusals is closed.
 */
export function connectionHandler(context: RelayContext, queues: Map<RelaySocket, SerialQueue>): (socket: RelaySocket) => void {
  const known = new Set<string>(handlers.map((handler) => handler.event));
  const { config } = context;
  const buckets = new WeakMap<RelaySocket, TokenBucket>();

  /** Takes one of the connection's tokens; false, with the event (payload `raw`) refused, when it has none. */
  const allowed = (socket: RelaySocket, event: string, ack: Ack | undefined, raw?: unknown): boolean => {
    const bucket = buckets.get(socket);
    if (bucket === undefined || bucket.take()) return true;
    const retryAfterMs = bucket.waitMs();
    answer(socket, event, ack, refusal(ErrorCode.RATE_LIMITED, "too many events; slow down", retryAfterMs), raw);
    if (bucket.refusedInARow === 1) {
      context.limits.refused("events", { address: socket.handshake.address, event, ...nameOf(socket) }, retryAfterMs);
    } else if (bucket.refusedInARow > config.eventBurst) {
      socket.disconnect(true);
    }
    return false;
  };
  const receive = (socket: RelaySocket, handler: Handler, args: unknown[]): void => {
    const ack = takeAck(args);
    if (!allowed(socket, handler.event, ack, args[0])) return;
    context.metrics.received(handler.event);
    const accepted = queues.get(socket)?.push((order) => handler.handle(context, socket, args, ack, order), handler.overlaps);
    if (accepted === false) {
      answer(socket, handler.event, ack, refusal(ErrorCode.RATE_LIMITED, "too many events waiting; slow down", QUEUE_FULL_RETRY_AFTER_MS), args[0]);
    }
  };
  const closed = (socket: RelaySocket, reason: string): void => {
    const queue = queues.get(socket);
    if (queue === undefined) return;
    queue.pushAlways(async () => {
      try {
        await disconnect(context, socket);
      } finally {
        queues.delete(socket);
      }
    });
    context.logger.debug({ socket: socket.id, reason }, "disconnected");
  };
  const listeners = handlers.map((handler) => {
    const listener = function (this: RelaySocket, ...args: unknown[]): void {
      receive(this, handler, args);
    };
    return { event: handler.event, listener };
  });
  function onUnknown(this: RelaySocket, event: unknown, ...args: unknown[]): void {
    const name = String(event);
    if (known.has(name)) return;
    const shown = name.slice(0, MAX_ECHOED_EVENT_NAME);
    const ack = takeAck(args);
    if (allowed(this, shown, ack)) answer(this, shown, ack, refusal(ErrorCode.BAD_REQUEST, `unknown event "${shown}"`));
  }
  function onDisconnect(this: RelaySocket, reason: string): void {
    closed(this, reason);
  }
  const onError = (error: unknown) => {
    context.logger.error({ err: error }, "event failed outside its handler");
  };

  return (socket) => {
    const challenge = randomBytes(CHALLENGE_BYTES).toString("base64url");
    compactHandshake(socket);
    // Every field from the start: one object, with no second array for the fields a login adds.
    socket.data = { rooms: [], challenge, name: undefined, kind: undefined, publicKey: undefined };
    const queue = new SerialQueue(context.config.maxPendingEvents, onError);
    queues.set(socket, queue);
    buckets.set(socket, new TokenBucket(config.eventsPerSecond, config.eventBurst, monotonicClock));
    for (const { event, listener } of listeners) socket.on(event, listener);
    socket.onAny(onUnknown);
    socket.on("disconnect", onDisconnect);
    compactConnection(socket);
    socket.emit("hello", {
      protocolVersion: PROTOCOL_VERSION,
      serverId: context.config.nodeId,
      challenge,
      limits: LIMITS,
      retention: { store: context.store.kind, ...context.store.limits },
      e2eRequired: context.config.requireE2e,
    });
  };
}

function takeAck(args: unknown[]): Ack | undefined {
  return typeof args.at(-1) === "function" ? (args.pop() as Ack) : undefined;
}

function nameOf(socket: RelaySocket): { name?: string } {
  return socket.data.name === undefined ? {} : { name: socket.data.name };
}

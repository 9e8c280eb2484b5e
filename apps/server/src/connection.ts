import { randomBytes } from "node:crypto";
import { ErrorCode, LIMITS, PROTOCOL_VERSION, type AckResult } from "@pigeon/protocol";
import type { RelayContext, RelaySocket } from "./context.js";
import { disconnect, handlers, type Handler } from "./handlers/index.js";
import { SerialQueue } from "./serial-queue.js";

const CHALLENGE_BYTES = 32;

const MAX_ECHOED_EVENT_NAME = 64;

/**
 * Builds what sets up each connection: greets it with `hello`, hands every event to its
 * handler behind the connection's serial queue, and cleans up after it closes. The listeners
 * are made once per relay and registered as one `onAny` listener (socket.io calls it with
 * `this` set to the socket), so an idle connection costs the relay only its queue and
 * `socket.data`, not a closure and an emitter entry per event name.
 */
export function connectionHandler(context: RelayContext, queues: Set<SerialQueue>): (socket: RelaySocket) => void {
  const queueOf = new WeakMap<RelaySocket, SerialQueue>();
  const byEvent = new Map<string, Handler>(handlers.map((handler) => [handler.event, handler]));

  const receive = (socket: RelaySocket, event: string, args: unknown[]): void => {
    const ack = typeof args.at(-1) === "function" ? (args.pop() as (result: AckResult<unknown>) => void) : undefined;
    const handler = byEvent.get(event);
    if (handler === undefined) {
      const name = event.slice(0, MAX_ECHOED_EVENT_NAME);
      reply(socket, name, ack, refusal(ErrorCode.BAD_REQUEST, `unknown event "${name}"`));
      return;
    }
    const accepted = queueOf.get(socket)?.push(async () => {
      if (args.length > 1) {
        reply(socket, event, ack, refusal(ErrorCode.BAD_REQUEST, "send one payload per event"));
        return;
      }
      const { result, followUps } = await handler.handle(context, socket, args[0]);
      reply(socket, event, ack, result);
      for (const followUp of followUps) await followUp();
    });
    if (accepted === false) reply(socket, event, ack, refusal(ErrorCode.RATE_LIMITED, "too many events waiting; slow down"));
  };
  const closed = (socket: RelaySocket, reason: string): void => {
    const queue = queueOf.get(socket);
    if (queue === undefined) return;
    queue.pushAlways(async () => {
      try {
        await disconnect(context, socket);
      } finally {
        queues.delete(queue);
        queueOf.delete(socket);
      }
    });
    context.logger.debug({ socket: socket.id, reason }, "disconnected");
  };
  function onEvent(this: RelaySocket, event: unknown, ...args: unknown[]): void {
    receive(this, String(event), args);
  }
  function onDisconnect(this: RelaySocket, reason: string): void {
    closed(this, reason);
  }
  const onError = (error: unknown) => {
    context.logger.error({ err: error }, "event failed outside its handler");
  };

  return (socket) => {
    const challenge = randomBytes(CHALLENGE_BYTES).toString("base64url");
    socket.data = { rooms: [], challenge };
    const queue = new SerialQueue(context.config.maxPendingEvents, onError);
    queues.add(queue);
    queueOf.set(socket, queue);
    socket.onAny(onEvent);
    socket.on("disconnect", onDisconnect);
    socket.emit("hello", {
      protocolVersion: PROTOCOL_VERSION,
      serverId: context.config.nodeId,
      challenge,
      limits: LIMITS,
      retention: { store: context.store.kind, ...context.store.limits },
    });
  };
}

// A client that passed an ack callback gets the result there; one that did not still hears
// about failures, as an `error` event, so that nothing fails silently.
function reply(
  socket: RelaySocket,
  event: string,
  ack: ((result: AckResult<unknown>) => void) | undefined,
  result: AckResult<unknown>,
): void {
  if (ack) ack(result);
  else if (!result.ok) socket.emit("error", { event, ...result.error });
}

function refusal(code: ErrorCode, message: string): AckResult<never> {
  return { ok: false, error: { code, message } };
}

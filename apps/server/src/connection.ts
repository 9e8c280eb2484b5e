import { randomBytes } from "node:crypto";
import { ErrorCode, LIMITS, PROTOCOL_VERSION, type AckResult, type ClientEventName } from "@pigeon/protocol";
import type { RelayContext, RelaySocket } from "./context.js";
import { disconnect, handlers } from "./handlers/index.js";
import { SerialQueue } from "./serial-queue.js";

const CHALLENGE_BYTES = 32;

/**
 * Sets up one connection: greets it with `hello`, registers every handler behind the
 * connection's serial queue, and cleans up after it closes.
 */
export function onConnection(context: RelayContext, socket: RelaySocket, queues: Set<SerialQueue>): void {
  const challenge = randomBytes(CHALLENGE_BYTES).toString("base64url");
  socket.data = { rooms: [], challenge };
  const queue = new SerialQueue(context.config.maxPendingEvents, (error: unknown) => {
    context.logger.error({ err: error, socket: socket.id }, "event failed outside its handler");
  });
  queues.add(queue);

  for (const handler of handlers) {
    socket.on(handler.event, (...args: unknown[]) => {
      const ack = typeof args.at(-1) === "function" ? (args.pop() as (result: AckResult<unknown>) => void) : undefined;
      const accepted = queue.push(async () => {
        if (args.length > 1) {
          reply(socket, handler.event, ack, refusal(ErrorCode.BAD_REQUEST, "send one payload per event"));
          return;
        }
        const { result, followUps } = await handler.handle(context, socket, args[0]);
        reply(socket, handler.event, ack, result);
        for (const followUp of followUps) await followUp();
      });
      if (!accepted) reply(socket, handler.event, ack, refusal(ErrorCode.RATE_LIMITED, "too many events waiting; slow down"));
    });
  }

  socket.on("disconnect", (reason) => {
    queue.pushAlways(async () => {
      try {
        await disconnect(context, socket);
      } finally {
        queues.delete(queue);
      }
    });
    context.logger.debug({ socket: socket.id, reason }, "disconnected");
  });

  socket.emit("hello", {
    protocolVersion: PROTOCOL_VERSION,
    serverId: context.config.nodeId,
    challenge,
    limits: LIMITS,
    retention: { store: context.store.kind, ...context.store.limits },
  });
}

// A client that passed an ack callback gets the result there; one that did not still hears
// about failures, as an `error` event, so that nothing fails silently.
function reply(
  socket: RelaySocket,
  event: ClientEventName,
  ack: ((result: AckResult<unknown>) => void) | undefined,
  result: AckResult<unknown>,
): void {
  if (ack) ack(result);
  else if (!result.ok) socket.emit("error", { event, ...result.error });
}

function refusal(code: ErrorCode, message: string): AckResult<never> {
  return { ok: false, error: { code, message } };
}

import {
  clientEvents,
  type AckData,
  type AckResult,
  type ClientEventName,
  type ClientPayload,
} from "@pigeon/protocol";
import type { RelayContext, RelaySocket } from "../context.js";
import { RelayError } from "../errors.js";

/** A handler as the registry holds it: the event name and a function of the raw payload. */
export interface Handler {
  readonly event: ClientEventName;
  /** Parses the raw payload with the event's schema, runs, and never rejects. */
  handle(context: RelayContext, socket: RelaySocket, payload: unknown): Promise<AckResult<unknown>>;
}

type Run<E extends ClientEventName> = (
  context: RelayContext,
  socket: RelaySocket,
  payload: ClientPayload<E>,
) => Promise<AckData<E>>;

/**
 * Wraps a handler body in the one helper every event goes through: the payload is parsed
 * with the protocol's schema before the body runs, and whatever happens becomes one ack
 * result. A RelayError reaches the client as it is; anything else is logged and becomes
 * INTERNAL, so nothing a client sends can throw past a handler.
 *
 * @example
 * export const leave = defineHandler("leave", async (context, socket, { room }) => ({ room }));
 */
export function defineHandler<E extends ClientEventName>(event: E, run: Run<E>): Handler {
  const schema = clientEvents[event].payload;
  return {
    event,
    async handle(context, socket, payload) {
      const parsed = schema.safeParse(payload);
      if (!parsed.success) return failure(RelayError.fromZod(parsed.error));
      try {
        return { ok: true, data: await run(context, socket, parsed.data as ClientPayload<E>) };
      } catch (cause) {
        const error = RelayError.fromUnknown(cause);
        if (error !== cause) context.logger.error({ err: cause, event, socket: socket.id }, "handler failed");
        return failure(error);
      }
    },
  };
}

function failure(error: RelayError): AckResult<never> {
  return { ok: false, error: { code: error.code, message: error.message } };
}

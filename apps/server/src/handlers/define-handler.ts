import {
  clientEvents,
  ErrorCode,
  type AckData,
  type AckResult,
  type ClientEventName,
  type ClientPayload,
} from "@pigeon/protocol";
import type { RelayContext, RelaySocket } from "../context.js";
import { RelayError } from "../errors.js";

/** Work a handler schedules to run right after its ack has been sent. */
export type FollowUp = () => Promise<void>;

/** What handling one event produced: the ack result and any follow-up work. */
export interface Outcome {
  readonly result: AckResult<unknown>;
  readonly followUps: readonly FollowUp[];
}

/** A handler as the registry holds it: the event name and a function of the raw payload. */
export interface Handler {
  readonly event: ClientEventName;
  /** Parses the raw payload with the event's schema, runs, and never rejects. */
  handle(context: RelayContext, socket: RelaySocket, payload: unknown): Promise<Outcome>;
}

type Run<E extends ClientEventName> = (
  context: RelayContext,
  socket: RelaySocket,
  payload: ClientPayload<E>,
  after: (followUp: FollowUp) => void,
) => Promise<AckData<E>>;

/**
 * Wraps a handler body in the one helper every event goes through: the payload is parsed
 * with the protocol's schema before the body runs, and whatever happens becomes one ack
 * result. A RelayError reaches the client as it is; anything else is logged and becomes
 * INTERNAL, so nothing a client sends can throw past a handler. A body may schedule work
 * with `after` that must follow its ack (a replay follows the login ack).
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
      const followUps: FollowUp[] = [];
      try {
        const data = await run(context, socket, parsed.data as ClientPayload<E>, (followUp) => followUps.push(followUp));
        return { result: { ok: true, data }, followUps };
      } catch (cause) {
        if (!(cause instanceof RelayError) && (!context.store.healthy() || context.store.isUnavailableError(cause))) {
          // The store went away mid-event: say so plainly; the client may retry once it is back.
          context.logger.warn({ event, socket: socket.id }, "store unavailable");
          return failure(new RelayError(ErrorCode.UNAVAILABLE, "the server's store is unreachable; try again shortly"));
        }
        const error = RelayError.fromUnknown(cause);
        if (error !== cause) context.logger.error({ err: cause, event, socket: socket.id }, "handler failed");
        return failure(error);
      }
    },
  };
}

function failure(error: RelayError): Outcome {
  return { result: { ok: false, error: { code: error.code, message: error.message } }, followUps: [] };
}

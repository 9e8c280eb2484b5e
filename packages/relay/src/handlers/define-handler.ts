import {
  clientEvents,
  ClientMessageId,
  ErrorCode,
  type AckData,
  type AckResult,
  type ClientEventName,
  type ClientPayload,
} from "@pigeon/protocol";
import type { RelayContext, RelaySocket } from "../context.js";
import { RelayError } from "../errors.js";
import { metricsOf } from "../metrics/relay-metrics.js";
import { stepInOrder, UNORDERED, type Order } from "./order.js";

/** Work a handler schedules to run right after its ack has been sent. */
export type FollowUp = () => Promise<void>;

/**
 * The steps of an overlapping handler (a message) that must happen in the order its connection
 * sent the events: its store write, its broadcast, its answer (see `SerialQueue`).
 */
export const STEP = { store: 1, broadcast: 2, answer: 3 } as const;

/** The ack callback a client passed with an event, if any. */
export type Ack = (result: AckResult<unknown>) => void;

/** A handler as the registry holds it: the event name and a function of the raw arguments. */
export interface Handler {
  readonly event: ClientEventName;
  /**
   * Whether the event may run alongside the connection's overlapping events before it (a
   * message behind a message): it then takes its `STEP`s in order through `order`.
   */
  readonly overlaps: boolean;
  /**
   * Parses the payload with the event's schema, runs, answers the client (by `ack`, or with an
   * `error` event when it passed none and the event failed), then runs the follow-ups. Never
   * rejects. `args` are the event's arguments without the ack callback.
   */
  handle(context: RelayContext, socket: RelaySocket, args: readonly unknown[], ack: Ack | undefined, order?: Order): Promise<void>;
}

type Run<E extends ClientEventName> = (
  context: RelayContext,
  socket: RelaySocket,
  payload: ClientPayload<E>,
  after: (followUp: FollowUp) => void,
  /** Whether the client passed an ack callback (a `chat` without one is answered by its echo). */
  acked: boolean,
  /** Where the event stands against the connection's events before it (`UNORDERED` unless it overlaps). */
  order: Order,
) => Promise<AckData<E>>;

/**
 * Wraps a handler body in the one helper every event goes through: the payload is parsed
 * with the protocol's schema before the body runs, and whatever happens becomes one ack
 * result. A RelayError reaches the client as it is; anything else is logged and becomes
 * INTERNAL, so nothing a client sends can throw past a handler. A body may schedule work
 * with `after` that must follow its ack (a replay follows the login ack). The wrapper is the
 * only async step around the body, since every promise hop costs on the busiest path.
 * `quick` parses the forms well-behaved clients send without zod's machinery (see
 * `quickChatPayload`); what it does not know goes to the schema.
 *
 * @example
 * export const leave = defineHandler("leave", async (context, socket, { room }) => ({ room }));
 */
export function defineHandler<E extends ClientEventName>(
  event: E,
  run: Run<E>,
  { overlaps = false, quick }: { overlaps?: boolean; quick?: (raw: unknown) => ClientPayload<E> | undefined } = {},
): Handler {
  const schema = clientEvents[event].payload;
  /** The payload: by `quick` (a schema's fast path for the common forms) when it knows, else by the schema. */
  const parse = (raw: unknown) => {
    const known = quick?.(raw);
    return known === undefined ? schema.safeParse(raw) : { success: true as const, data: known };
  };
  return {
    event,
    overlaps,
    async handle(context, socket, args, ack, order = UNORDERED) {
      const [raw] = args;
      // The answer is an ordered step: an overlapping event answers after the events before it.
      const reply = (result: AckResult<unknown>) =>
        stepInOrder(order, STEP.answer, () => {
          answer(socket, event, ack, result, raw);
        });
      if (args.length > 1) {
        await reply(failure(new RelayError(ErrorCode.BAD_REQUEST, "send one payload per event")));
        return;
      }
      const parsed = parse(raw);
      if (!parsed.success) {
        await reply(failure(RelayError.fromZod(parsed.error)));
        return;
      }
      let followUps: FollowUp[] | undefined;
      let result: AckResult<unknown>;
      try {
        const payload = parsed.data as ClientPayload<E>;
        const data = await run(context, socket, payload, (followUp) => (followUps ??= []).push(followUp), ack !== undefined, order);
        result = { ok: true, data };
        context.metrics.succeeded(event, data);
      } catch (cause) {
        followUps = undefined;
        result = failure(refusalOf(context, socket, event, cause));
      }
      const later = reply(result);
      if (later !== undefined) await later;
      // Each follow-up on its own: one that fails (a room's replay) is told to the client as an
      // `error` event and does not keep the others (the other rooms' replays) from running.
      for (const followUp of followUps ?? []) {
        try {
          await followUp();
        } catch (cause) {
          const { code, message } = refusalOf(context, socket, event, cause);
          socket.emit("error", { event, code, message: `after the answer to ${event}: ${message}` });
        }
      }
    },
  };
}

/**
 * Answers an event: by its ack callback when the client passed one; otherwise only a failure,
 * as an `error` event (with the `clientId` of the event's payload `raw`, so that a client can
 * tell which send it was), so that nothing fails silently.
 */
export function answer(socket: RelaySocket, event: string, ack: Ack | undefined, result: AckResult<unknown>, raw?: unknown): void {
  if (!result.ok) metricsOf(socket.nsp.server)?.refused(event, result.error.code);
  if (ack) ack(result);
  else if (!result.ok) {
    const clientId = clientIdOf(raw);
    socket.emit("error", clientId === undefined ? { event, ...result.error } : { event, ...result.error, clientId });
  }
}

/** The `clientId` of a raw payload, if it carries a well-formed one (read before parsing, so a refusal of the rest still names it). */
function clientIdOf(raw: unknown): string | undefined {
  if (typeof raw !== "object" || raw === null || !Object.hasOwn(raw, "clientId")) return undefined;
  const { clientId } = raw as { clientId: unknown };
  return ClientMessageId.safeParse(clientId).success ? (clientId as string) : undefined;
}

/** The ack result of a refusal; a RATE_LIMITED one says when to retry. */
export function refusal(code: ErrorCode, message: string, retryAfterMs?: number): AckResult<never> {
  return retryAfterMs === undefined ? { ok: false, error: { code, message } } : { ok: false, error: { code, message, retryAfterMs } };
}

function refusalOf(context: RelayContext, socket: RelaySocket, event: ClientEventName, cause: unknown): RelayError {
  if (!(cause instanceof RelayError) && context.store.isFullError(cause)) {
    // Redis refused the write for want of memory or of disk: nothing changed; the operator must free some.
    context.logger.warn({ event, socket: socket.id, reason: context.store.whyFull() }, "store full: write refused");
    return new RelayError(ErrorCode.STORE_FULL, "the server's store is full and takes no new messages or logins now; try again later");
  }
  if (!(cause instanceof RelayError) && (!context.store.healthy() || context.store.isUnavailableError(cause))) {
    // The store went away mid-event: say so plainly; the client may retry once it is back.
    context.logger.warn({ event, socket: socket.id }, "store unavailable");
    return new RelayError(ErrorCode.UNAVAILABLE, "the server's store is unreachable; try again shortly");
  }
  const error = RelayError.fromUnknown(cause);
  if (error !== cause) context.logger.error({ err: cause, event, socket: socket.id }, "handler failed");
  return error;
}

function failure(error: RelayError): AckResult<never> {
  const { code, message, group, retryAfterMs } = error;
  return group === undefined ? refusal(code, message, retryAfterMs) : { ok: false, error: { code, message, group } };
}

import { z } from "zod";
import { GroupStatus } from "./fields.js";

/**
 * The closed set of error codes a client can receive, by ack or by `error` event.
 *
 * @example
 * if (!result.ok && result.error.code === ErrorCode.NAME_TAKEN) askForAnotherName();
 */
export const ErrorCode = {
  /** The payload did not match the event's schema. */
  BAD_REQUEST: "BAD_REQUEST",
  /** A string or array was longer than the protocol allows. */
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  /** The event needs a login first. */
  NOT_LOGGED_IN: "NOT_LOGGED_IN",
  /** The connection is already logged in under another name. */
  ALREADY_LOGGED_IN: "ALREADY_LOGGED_IN",
  /** The event needs the connection to be in the room (join first). */
  NOT_IN_ROOM: "NOT_IN_ROOM",
  /** Someone else holds that name. */
  NAME_TAKEN: "NAME_TAKEN",
  /** The identity proof did not check out. */
  UNAUTHORIZED: "UNAUTHORIZED",
  /**
   * The room is end-to-end encrypted and the client did not join it as an MLS member (a guest,
   * a seed tutorial client), or the relay refuses plain rooms altogether.
   */
  E2E_REQUIRED: "E2E_REQUIRED",
  /**
   * `join` asked for an encrypted room and the room exists as a plain one: nothing changed.
   * Join it with mode `plain` to chat there unencrypted, deliberately.
   */
  ROOM_NOT_ENCRYPTED: "ROOM_NOT_ENCRYPTED",
  /**
   * The MLS message was made for an epoch the room's group has left (another member's commit
   * came first). Retryable: process the room's log up to `group.epoch`, then make it again.
   */
  STALE_EPOCH: "STALE_EPOCH",
  /**
   * The room's group still holds members who are gone (`group.pending`): application messages
   * wait until a commit removes them. Retryable: commit the removals, then send again.
   */
  REMOVALS_PENDING: "REMOVALS_PENDING",
  /** Too many events in too short a time; slow down and retry. */
  RATE_LIMITED: "RATE_LIMITED",
  /**
   * A bound on what the relay holds was reached: rooms per identity or per connection, a
   * sender's share of a room's held messages, or the relay's (deployment's) total budget for
   * held messages. Nothing changed; it clears as members read what is held (or it expires).
   */
  QUOTA_EXCEEDED: "QUOTA_EXCEEDED",
  /**
   * The relay's store is full (Redis refused the write: out of memory) and takes no writes
   * until its operator frees memory. Nothing changed; retry later. `/healthz` answers 503 meanwhile.
   */
  STORE_FULL: "STORE_FULL",
  /** The server cannot serve this now (its store is unreachable, or it is shutting down). */
  UNAVAILABLE: "UNAVAILABLE",
  /** Something failed inside the server; the details stay in its logs. */
  INTERNAL: "INTERNAL",
} as const;

/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * The error part of a failed ack.
 *
 * @example
 * const error: PigeonErrorBody = { code: "NOT_IN_ROOM", message: "join lobby first" };
 */
export const PigeonErrorBody = z.looseObject({
  code: z.enum(ErrorCode),
  message: z.string(),
  /** With `STALE_EPOCH` and `REMOVALS_PENDING`: where the room's group stands now. */
  group: GroupStatus.optional(),
  /** With `RATE_LIMITED`: how many milliseconds to wait before trying again. */
  retryAfterMs: z.number().int().min(0).optional(),
});
/** The error part of a failed ack. */
export type PigeonErrorBody = z.infer<typeof PigeonErrorBody>;

/**
 * The `error` event, sent when a client event failed and the client gave no ack callback,
 * so that nothing fails silently. `event` names the client event that failed.
 *
 * @example
 * socket.on("error", (e) => console.error(`${e.event} failed: ${e.code} ${e.message}`));
 */
export const ErrorEvent = PigeonErrorBody.extend({
  event: z.string(),
  /** The refused event's `clientId`, when it carried one (a `chat` answered by its echo). */
  clientId: z.string().optional(),
});
/** The `error` event payload. */
export type ErrorEvent = z.infer<typeof ErrorEvent>;

/**
 * An ack: `{ ok: true, data }` or `{ ok: false, error }`. Every client event that takes an ack
 * callback is answered with exactly one of these.
 *
 * @example
 * const LoginResult = AckResult(LoginAck);
 */
export const AckResult = <T extends z.ZodType>(data: T) =>
  z.discriminatedUnion("ok", [
    z.looseObject({ ok: z.literal(true), data }),
    z.looseObject({ ok: z.literal(false), error: PigeonErrorBody }),
  ]);

/** The ack a client receives for an event whose success data is `T`. */
export type AckResult<T> = { ok: true; data: T } | { ok: false; error: PigeonErrorBody };

/** The callback a client passes as the last argument of an event to receive its ack. */
export type AckCallback<T> = (result: AckResult<T>) => void;

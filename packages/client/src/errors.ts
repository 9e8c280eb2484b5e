import { ErrorCode, type GroupStatus, type PigeonErrorBody } from "@pigeon/protocol";

/**
 * Error codes the SDK raises itself, beside the protocol's {@link ErrorCode}s that come from
 * the server.
 *
 * @example
 * if (error instanceof PigeonError && error.code === ClientErrorCode.UNREACHABLE) retryLater();
 */
export const ClientErrorCode = {
  /** The server did not answer within the client's `timeoutMs`. */
  TIMEOUT: "TIMEOUT",
  /** The first connect found no server to talk to. */
  UNREACHABLE: "UNREACHABLE",
  /** The connection is closed, or was lost before the server answered. */
  DISCONNECTED: "DISCONNECTED",
  /** The server answered with something the protocol does not allow. */
  BAD_RESPONSE: "BAD_RESPONSE",
  /** This client is not (or no longer) in the encrypted room's MLS group, and could not rejoin it. */
  NOT_IN_GROUP: "NOT_IN_GROUP",
} as const;

/** One of the {@link ClientErrorCode} values. */
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Any code a {@link PigeonError} may carry: the server's or the SDK's own. */
export type PigeonErrorCode = ErrorCode | ClientErrorCode;

/**
 * The one error type the SDK rejects with. `code` is closed, so callers can switch on it.
 *
 * @example
 * try {
 *   await client.login("alice");
 * } catch (error) {
 *   if (error instanceof PigeonError && error.code === "NAME_TAKEN") askForAnotherName();
 *   else throw error;
 * }
 */
export class PigeonError extends Error {
  override readonly name = "PigeonError";

  constructor(
    /** What went wrong, as a closed code. */
    readonly code: PigeonErrorCode,
    message: string,
    options?: ErrorOptions & { group?: GroupStatus; retryAfterMs?: number },
  ) {
    super(message, options);
    if (options?.group !== undefined) this.group = options.group;
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  /** With the server's `STALE_EPOCH` and `REMOVALS_PENDING`: where the room's group stands. */
  readonly group?: GroupStatus;

  /** With the server's `RATE_LIMITED`: how many milliseconds to wait before trying again. */
  readonly retryAfterMs?: number;

  /**
   * Turns anything thrown into a PigeonError: a PigeonError passes through, anything else
   * becomes `INTERNAL` with the original kept as `cause`.
   *
   * @example
   * const error = PigeonError.fromUnknown(thrown);
   * console.error(`${error.code}: ${error.message}`);
   */
  static fromUnknown(cause: unknown): PigeonError {
    if (cause instanceof PigeonError) return cause;
    const message = cause instanceof Error ? cause.message : String(cause);
    return new PigeonError("INTERNAL", message, { cause });
  }

  /**
   * The server's refusal (a failed ack's `error`, or an `error` event) as a PigeonError; a
   * RATE_LIMITED one says in its message when to retry.
   *
   * @example
   * if (!result.ok) throw PigeonError.fromRefusal(result.error);
   */
  static fromRefusal({ code, message, group, retryAfterMs }: PigeonErrorBody): PigeonError {
    if (retryAfterMs !== undefined) return new PigeonError(code, `${message} (retry in ${Math.ceil(retryAfterMs / 1000)} s)`, { retryAfterMs });
    return new PigeonError(code, message, group === undefined ? undefined : { group });
  }
}

/**
 * Whether a code is one of the protocol's (sent by the server) rather than the SDK's own.
 *
 * @example
 * if (isProtocolErrorCode(error.code)) showServerRefusal(error.code);
 */
export function isProtocolErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ErrorCode, code);
}

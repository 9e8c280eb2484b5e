import { ErrorCode, type GroupStatus } from "@pigeon/protocol";
import type { z } from "zod";

/**
 * An error meant for the client: its code and message go into the ack or error event as is.
 *
 * @example
 * throw new RelayError("NOT_IN_ROOM", "join lobby before chatting there");
 */
export class RelayError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** With STALE_EPOCH and REMOVALS_PENDING: where the room's group stands, for the client to catch up. */
    readonly group?: GroupStatus,
  ) {
    super(message);
    this.name = "RelayError";
  }

  /** With RATE_LIMITED: how long the client should wait before trying again. */
  retryAfterMs?: number;

  /**
   * A RATE_LIMITED refusal that says when to retry.
   *
   * @example
   * throw RelayError.rateLimited("too many logins from this address", 30_000);
   */
  static rateLimited(message: string, retryAfterMs: number): RelayError {
    const error = new RelayError(ErrorCode.RATE_LIMITED, message);
    error.retryAfterMs = Math.max(0, Math.ceil(retryAfterMs));
    return error;
  }

  /**
   * Turns anything thrown into a RelayError. A RelayError passes through, a store's refusal
   * to hold more becomes QUOTA_EXCEEDED; anything else becomes INTERNAL with a generic
   * message, so no detail of the server leaks to a client.
   */
  static fromUnknown(cause: unknown): RelayError {
    if (cause instanceof RelayError) return cause;
    if (cause instanceof QuotaExceededError) return new RelayError(ErrorCode.QUOTA_EXCEEDED, cause.message);
    return new RelayError(ErrorCode.INTERNAL, "internal server error");
  }

  /** Describes why a payload failed its schema, in the words of the branch the client meant. */
  static fromZod(error: z.ZodError): RelayError {
    const issue = meantIssue(error.issues);
    const path = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    const code = issue?.code === "too_big" ? ErrorCode.PAYLOAD_TOO_LARGE : ErrorCode.BAD_REQUEST;
    return new RelayError(code, `${path}${issue?.message ?? "invalid payload"}`);
  }
}

// Every payload is "a string or an object"; when both branches fail, report the branch
// whose type matched what the client sent, which is the one it meant.
function meantIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue | undefined {
  const first = issues[0];
  if (first?.code !== "invalid_union") return first;
  const branches = first.errors.filter((branch) => !isTypeMismatch(branch));
  const meant = branches[0];
  if (branches.length === 1 && meant) return meantIssue(meant);
  return { ...first, message: "expected a string or an object of the documented shape" };
}

function isTypeMismatch(issues: readonly z.core.$ZodIssue[]): boolean {
  const [only] = issues;
  return issues.length === 1 && only?.code === "invalid_type" && only.path.length === 0;
}

/**
 * A store refused to hold more (a sender's share of a room, the total budget, rooms per
 * identity) and changed nothing; the client hears QUOTA_EXCEEDED with the message.
 *
 * @example
 * if (tooMany) throw new QuotaExceededError("an identity may be a member of at most 50 rooms");
 */
export class QuotaExceededError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QuotaExceededError";
  }
}

/**
 * Why bytes were refused, as a closed set of codes: what a relay needs to answer a client.
 *
 * @example
 * if (error instanceof FramingError && error.code === FramingErrorCode.WRONG_WIRE_FORMAT) refuse();
 */
export const FramingErrorCode = {
  /** Not an MLSMessage (RFC 9420 section 6) at all: truncated, garbage, or bytes left over. */
  UNREADABLE: "UNREADABLE",
  /** An MLSMessage of a wire format this reader does not take here (a GroupInfo as a log entry, a Welcome). */
  WRONG_WIRE_FORMAT: "WRONG_WIRE_FORMAT",
  /** A commit sent as a PrivateMessage: Pigeon commits are PublicMessages, so the relay can read them. */
  PRIVATE_COMMIT: "PRIVATE_COMMIT",
  /** Framing RFC 9420 forbids or Pigeon does not use: a sender that cannot send this content, a credential that is not a name. */
  UNSUPPORTED: "UNSUPPORTED",
  /** A GroupInfo without the ratchet tree extension: nobody could join from it. */
  NO_RATCHET_TREE: "NO_RATCHET_TREE",
  /** Two leaves share a signature key (RFC 9420 section 7.3 forbids it; ts-mls does not check). */
  DUPLICATE_SIGNATURE_KEY: "DUPLICATE_SIGNATURE_KEY",
} as const;

/** One of the {@link FramingErrorCode} values. */
export type FramingErrorCode = (typeof FramingErrorCode)[keyof typeof FramingErrorCode];

/**
 * The one error this package throws. Its message says what was wrong with the framing and never
 * quotes the bytes (they may be ciphertext, a GroupInfo, keys).
 *
 * @example
 * try { readMlsMessage(bytes) } catch (error) { if (error instanceof FramingError) log(error.code) }
 */
export class FramingError extends Error {
  override readonly name = "FramingError";

  constructor(
    readonly code: FramingErrorCode,
    message: string,
  ) {
    super(message);
  }
}

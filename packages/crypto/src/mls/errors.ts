/**
 * Why a group operation failed: a closed set, so callers can branch on `error.code`.
 *
 * @example
 * if (error instanceof GroupError && error.code === GroupErrorCode.REMOVED) rejoinOrLeave();
 */
export const GroupErrorCode = {
  /** This member was removed from the group: it can neither read nor send any more. */
  REMOVED: "REMOVED",
  /** A leaf's credential (name) and signature key failed the injected credential check. */
  CREDENTIAL_REJECTED: "CREDENTIAL_REJECTED",
  /** Two leaves would share a signature key (RFC 9420 section 7.3 forbids it). */
  DUPLICATE_SIGNATURE_KEY: "DUPLICATE_SIGNATURE_KEY",
  /** The bytes are not an MLS message this group can read (malformed, wrong group or epoch, forged). */
  UNREADABLE: "UNREADABLE",
  /** Stored state that does not belong to the identity restoring it. */
  STATE_MISMATCH: "STATE_MISMATCH",
  /** No WebCrypto here: browsers give it only to secure pages (https, or http://localhost). */
  NO_WEB_CRYPTO: "NO_WEB_CRYPTO",
} as const;
export type GroupErrorCode = (typeof GroupErrorCode)[keyof typeof GroupErrorCode];

/**
 * A failed group operation. The group keeps the state it had before the operation.
 *
 * @example
 * throw new GroupError(GroupErrorCode.UNREADABLE, "not an MLS message");
 */
export class GroupError extends Error {
  override readonly name = "GroupError";

  constructor(
    readonly code: GroupErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

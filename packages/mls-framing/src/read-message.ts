import type { FramedContent, MLSMessage, PrivateMessage } from "ts-mls";
import { decodeWhole, nameOfIdentity } from "./decode.js";
import { FramingError, FramingErrorCode } from "./errors.js";

/** What kind of content an MLS message carries. */
export type MlsContentKind = "application" | "commit" | "proposal";

/**
 * Who sent an MLS message, as far as the framing says: a member's leaf (PublicMessage), a
 * newcomer's external commit with the name and signature key of the leaf it adds, or a sender
 * the relay cannot see (`encrypted`: a PrivateMessage) or Pigeon does not use.
 */
export type MlsSender =
  | { readonly type: "member"; readonly leaf: number }
  | { readonly type: "new_member_commit"; readonly name: string; readonly signatureKey: Uint8Array }
  | { readonly type: "encrypted" | "external" | "new_member_proposal" };

/** What {@link readMlsMessage} reads from a log entry's framing. */
export interface MlsFraming {
  readonly wireformat: "public" | "private";
  /** The epoch the message was made in. */
  readonly epoch: bigint;
  readonly kind: MlsContentKind;
  readonly groupId: Uint8Array;
  readonly sender: MlsSender;
}

/**
 * Reads what a delivery service may know of an MLS message without keys: wire format, epoch,
 * content type, group and sender. Takes PublicMessages and PrivateMessages only, and refuses a
 * commit sent as a PrivateMessage (Pigeon sends commits public so the relay can check them).
 * Throws {@link FramingError} on anything else, never quoting the bytes.
 *
 * @example
 * const { kind, epoch } = readMlsMessage(Buffer.from(payload.message, "base64"));
 */
export function readMlsMessage(bytes: Uint8Array): MlsFraming {
  const message = decodeWhole(bytes);
  if (message.wireformat === "mls_private_message") return readPrivate(message.privateMessage);
  if (message.wireformat === "mls_public_message") return readPublic(message.publicMessage.content);
  throw new FramingError(FramingErrorCode.WRONG_WIRE_FORMAT, `a ${wireFormatName(message)} is not a log entry`);
}

function readPrivate({ contentType, epoch, groupId }: PrivateMessage): MlsFraming {
  const kind = contentKind(contentType);
  if (kind === "commit") throw new FramingError(FramingErrorCode.PRIVATE_COMMIT, "a commit must be sent as a PublicMessage");
  return { wireformat: "private", epoch, kind, groupId, sender: { type: "encrypted" } };
}

function readPublic(content: FramedContent): MlsFraming {
  const kind = contentKind(content.contentType);
  const { epoch, groupId, sender } = content;
  const framing = { wireformat: "public", epoch, kind, groupId } as const;
  switch (sender.senderType) {
    case "member":
      return { ...framing, sender: { type: "member", leaf: sender.leafIndex } };
    case "new_member_commit": {
      if (content.contentType !== "commit") throw new FramingError(FramingErrorCode.UNSUPPORTED, "a new member's message that is not a commit");
      const leafNode = content.commit.path?.leafNode;
      if (leafNode === undefined) throw new FramingError(FramingErrorCode.UNSUPPORTED, "an external commit without an update path");
      const { credential, signaturePublicKey } = leafNode;
      if (credential.credentialType !== "basic") throw new FramingError(FramingErrorCode.UNSUPPORTED, "an external commit whose credential is not basic");
      return { ...framing, sender: { type: "new_member_commit", name: nameOfIdentity(credential.identity), signatureKey: signaturePublicKey } };
    }
    case "external":
    case "new_member_proposal":
      return { ...framing, sender: { type: sender.senderType } };
    default:
      throw new FramingError(FramingErrorCode.UNSUPPORTED, "an unknown sender type");
  }
}

function contentKind(contentType: string): MlsContentKind {
  if (contentType === "application" || contentType === "commit" || contentType === "proposal") return contentType;
  throw new FramingError(FramingErrorCode.UNSUPPORTED, "an unknown content type");
}

function wireFormatName(message: MLSMessage): string {
  switch (message.wireformat) {
    case "mls_group_info":
      return "GroupInfo";
    case "mls_welcome":
      return "Welcome";
    case "mls_key_package":
      return "KeyPackage";
    default:
      return "message of another wire format";
  }
}

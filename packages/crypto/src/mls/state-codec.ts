import { decodeGroupState as decodeMlsGroupState, encodeGroupState as encodeMlsGroupState, type ClientConfig, type ClientState } from "ts-mls";
import type { Identity } from "../identity-document.js";
import { GroupError, GroupErrorCode } from "./errors.js";
import { ownMember, sameKey } from "./members.js";

// The first byte of stored group state: what follows is ts-mls's GroupState encoding with an
// empty signature private key.
const STATE_FORMAT_VERSION = 1;

/**
 * Encodes group state for storage WITHOUT the identity's secret key: ts-mls's encoding carries
 * the leaf's signature private key, which for Pigeon is the identity key; that key lives in the
 * key store alone and is put back by {@link decodeGroupState}. The bytes still hold the group's
 * epoch secrets: store them as privately as the identity (mode 0600).
 */
export function encodeGroupState(state: ClientState): Uint8Array {
  const encoded = encodeMlsGroupState({ ...state, signaturePrivateKey: new Uint8Array() });
  const bytes = new Uint8Array(encoded.length + 1);
  bytes[0] = STATE_FORMAT_VERSION;
  bytes.set(encoded, 1);
  return bytes;
}

/**
 * Decodes {@link encodeGroupState}'s bytes for `identity`, whose key must be the own leaf's
 * signature key (STATE_MISMATCH otherwise).
 */
export function decodeGroupState(bytes: Uint8Array, identity: Identity, clientConfig: ClientConfig): ClientState {
  if (bytes[0] !== STATE_FORMAT_VERSION) throw new GroupError(GroupErrorCode.STATE_MISMATCH, "not Pigeon group state");
  let decoded: ReturnType<typeof decodeMlsGroupState>;
  try {
    decoded = decodeMlsGroupState(bytes, 1);
  } catch (error) {
    throw new GroupError(GroupErrorCode.STATE_MISMATCH, "not Pigeon group state", { cause: error });
  }
  if (decoded === undefined || decoded[1] + 1 !== bytes.length) throw new GroupError(GroupErrorCode.STATE_MISMATCH, "not Pigeon group state");
  const state: ClientState = { ...decoded[0], signaturePrivateKey: Uint8Array.from(identity.key.secretKey), clientConfig };
  const own = ownMember(state);
  if (!sameKey(own.signatureKey, identity.key.publicKey) || own.name !== identity.name) {
    throw new GroupError(GroupErrorCode.STATE_MISMATCH, "this group state belongs to another identity");
  }
  return state;
}

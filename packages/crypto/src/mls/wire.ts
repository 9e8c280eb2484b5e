import { createGroupInfoWithExternalPubAndRatchetTree, decodeMlsMessage, encodeMlsMessage, type ClientState, type MLSMessage } from "ts-mls";
import type { MlsCipherSuite } from "./cipher-suite.js";
import { GroupError, GroupErrorCode } from "./errors.js";

/**
 * The GroupInfo of `state`'s epoch as an MLSMessage, with the ratchet tree and the external
 * public key: all a newcomer needs to join by external commit with nobody online.
 */
export async function groupInfoBytes(state: ClientState, suite: MlsCipherSuite): Promise<Uint8Array> {
  const groupInfo = await createGroupInfoWithExternalPubAndRatchetTree(state, [], suite);
  return encodeMlsMessage({ version: "mls10", wireformat: "mls_group_info", groupInfo });
}

/** Decodes an MLSMessage that must fill `bytes` exactly; UNREADABLE otherwise. */
export function decodeWhole(bytes: Uint8Array): MLSMessage {
  let decoded: [MLSMessage, number] | undefined;
  try {
    decoded = decodeMlsMessage(bytes, 0);
  } catch (error) {
    throw new GroupError(GroupErrorCode.UNREADABLE, "not an MLS message", { cause: error });
  }
  if (decoded === undefined || decoded[1] !== bytes.length) throw new GroupError(GroupErrorCode.UNREADABLE, "not an MLS message");
  return decoded[0];
}

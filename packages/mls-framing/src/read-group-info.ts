import type { GroupInfo } from "ts-mls";
import { ratchetTreeFromExtension } from "ts-mls/groupInfo.js";
import { decodeWhole, nameOfIdentity } from "./decode.js";
import { FramingError, FramingErrorCode } from "./errors.js";

/** A leaf of a group's ratchet tree: its index, its member's name and signature key. */
export interface FramedLeaf {
  /** The leaf index: what a remove proposal names. */
  readonly leaf: number;
  /** The basic credential's identity: a Pigeon name. */
  readonly name: string;
  /** The leaf's signature key: for Pigeon, the member's Ed25519 identity key (32 bytes). */
  readonly signatureKey: Uint8Array;
}

/** What {@link readGroupInfo} reads from a GroupInfo. */
export interface GroupInfoFraming {
  /** The epoch the GroupInfo describes. */
  readonly epoch: bigint;
  readonly groupId: Uint8Array;
  /** Every occupied leaf, in leaf order. */
  readonly leaves: FramedLeaf[];
}

/**
 * Reads a GroupInfo MLSMessage (as a committer uploads it): its epoch, group id and the leaves
 * of its ratchet tree. Refuses, with {@link FramingError}, other wire formats, a GroupInfo
 * without the ratchet tree, leaves whose credential is not a basic (name) credential, and two
 * leaves with one signature key. Checks no signature: the relay has nothing to check it against.
 *
 * @example
 * const { epoch, leaves } = readGroupInfo(Buffer.from(payload.groupInfo, "base64"));
 */
export function readGroupInfo(bytes: Uint8Array): GroupInfoFraming {
  const message = decodeWhole(bytes);
  if (message.wireformat !== "mls_group_info") throw new FramingError(FramingErrorCode.WRONG_WIRE_FORMAT, "not a GroupInfo");
  const { groupInfo } = message;
  const leaves = leavesOf(groupInfo);
  assertUniqueKeys(leaves);
  return { epoch: groupInfo.groupContext.epoch, groupId: groupInfo.groupContext.groupId, leaves };
}

function leavesOf(groupInfo: GroupInfo): FramedLeaf[] {
  let tree: ReturnType<typeof ratchetTreeFromExtension>;
  try {
    tree = ratchetTreeFromExtension(groupInfo);
  } catch {
    throw new FramingError(FramingErrorCode.UNREADABLE, "a GroupInfo whose ratchet tree cannot be read");
  }
  if (tree === undefined) throw new FramingError(FramingErrorCode.NO_RATCHET_TREE, "a GroupInfo without its ratchet tree");
  const leaves: FramedLeaf[] = [];
  tree.forEach((node, index) => {
    if (node?.nodeType !== "leaf") return;
    const { credential, signaturePublicKey } = node.leaf;
    if (credential.credentialType !== "basic") throw new FramingError(FramingErrorCode.UNSUPPORTED, "a leaf whose credential is not basic");
    leaves.push({ leaf: index / 2, name: nameOfIdentity(credential.identity), signatureKey: signaturePublicKey });
  });
  return leaves;
}

function assertUniqueKeys(leaves: readonly FramedLeaf[]): void {
  const seen = new Set<string>();
  for (const { signatureKey } of leaves) {
    const id = Buffer.from(signatureKey).toString("hex");
    if (seen.has(id)) throw new FramingError(FramingErrorCode.DUPLICATE_SIGNATURE_KEY, "two leaves share a signature key");
    seen.add(id);
  }
}

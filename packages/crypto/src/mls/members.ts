import type { ClientState, Credential, RatchetTree } from "ts-mls";
import { GroupError, GroupErrorCode } from "./errors.js";

/**
 * A leaf of the group: a member's name (its MLS basic credential) and its signature key (its
 * Pigeon identity key).
 *
 * @example
 * group.members.map((member) => member.name) // ["alice", "bob"]
 */
export interface GroupMember {
  /** The leaf index: what a remove proposal names. */
  readonly leaf: number;
  readonly name: string;
  /** 32 bytes, Ed25519. */
  readonly signatureKey: Uint8Array;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The basic credential that carries a member's name.
 *
 * @example
 * generateKeyPackageWithKey(credentialOf("alice"), ...)
 */
export function credentialOf(name: string): Credential {
  return { credentialType: "basic", identity: new TextEncoder().encode(name) };
}

/** The name in a basic credential; undefined for other credential types or invalid UTF-8. */
export function nameOf(credential: Credential): string | undefined {
  if (credential.credentialType !== "basic") return undefined;
  try {
    return utf8.decode(credential.identity);
  } catch {
    return undefined;
  }
}

/**
 * Every occupied leaf of a ratchet tree, in leaf order.
 *
 * @example
 * membersOf(state.ratchetTree).length
 */
export function membersOf(tree: RatchetTree): GroupMember[] {
  const members: GroupMember[] = [];
  for (let index = 0; index < tree.length; index += 2) {
    const member = memberAt(tree, index / 2);
    if (member !== undefined) members.push(member);
  }
  return members;
}

/**
 * The member at one leaf, or undefined when it is blank: one lookup, where `membersOf` walks the
 * whole tree (this runs for every message decrypted).
 *
 * @example
 * memberAt(state.ratchetTree, senderData.leafIndex)?.name
 */
export function memberAt(tree: RatchetTree, leaf: number): GroupMember | undefined {
  const node = tree[leaf * 2];
  if (node?.nodeType !== "leaf") return undefined;
  const { credential, signaturePublicKey } = node.leaf;
  return { leaf, name: nameOf(credential) ?? "", signatureKey: signaturePublicKey };
}

/** The leaf this state's own member occupies. */
export function ownMember(state: ClientState): GroupMember {
  const own = memberAt(state.ratchetTree, state.privatePath.leafIndex);
  if (own === undefined) throw new GroupError(GroupErrorCode.REMOVED, "this member has no leaf in the group");
  return own;
}

/** Throws DUPLICATE_SIGNATURE_KEY when two leaves share a signature key (ts-mls accepts it). */
export function assertUniqueSignatureKeys(members: readonly GroupMember[]): void {
  const seen = new Set<string>();
  for (const { signatureKey, name } of members) {
    const id = keyId(signatureKey);
    if (seen.has(id)) throw new GroupError(GroupErrorCode.DUPLICATE_SIGNATURE_KEY, `two leaves share ${name}'s signature key`);
    seen.add(id);
  }
}

/** A map key for a public key. */
export function keyId(key: Uint8Array): string {
  return Array.from(key, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Whether two public keys are the same bytes. */
export function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

// Real MLS messages for the framing tests, made with ts-mls itself (as @pigeon/crypto does).
// Not part of the build: tests only.
import { createIdentityKey, loadCipherSuite } from "@pigeon/crypto";
import { nodeCryptoProvider } from "@pigeon/crypto/node";
import { FramingError } from "./errors.js";
import {
  createApplicationMessage,
  createCommit,
  createGroup,
  createGroupInfoWithExternalPub,
  createGroupInfoWithExternalPubAndRatchetTree,
  defaultCapabilities,
  defaultLifetime,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  joinGroupExternal,
  type ClientState,
  type Credential,
  type GroupInfo,
} from "ts-mls";

export const suite = await loadCipherSuite(nodeCryptoProvider);
const text = (value: string) => new TextEncoder().encode(value);

/** A member's key pair, as Pigeon uses it: the identity key is the leaf's signature key. */
export interface Signer {
  readonly name: string;
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export function signer(name: string): Signer {
  const { publicKey, secretKey } = createIdentityKey();
  return { name, publicKey, secretKey };
}

const basic = (name: string): Credential => ({ credentialType: "basic", identity: text(name) });

function keyPackage(who: Signer, credential: Credential = basic(who.name)) {
  return generateKeyPackageWithKey(credential, defaultCapabilities(), defaultLifetime, [], { signKey: who.secretKey, publicKey: who.publicKey }, suite);
}

/** GroupInfo as an MLSMessage, with the ratchet tree unless told otherwise. */
export async function groupInfoOf(state: ClientState, withTree = true): Promise<Uint8Array> {
  const groupInfo = withTree
    ? await createGroupInfoWithExternalPubAndRatchetTree(state, [], suite)
    : await createGroupInfoWithExternalPub(state, [], suite);
  return encodeMlsMessage({ version: "mls10", wireformat: "mls_group_info", groupInfo });
}

/** A new group with `who` as its only member. */
export async function newGroup(groupId: string, who: Signer, credential?: Credential): Promise<ClientState> {
  const { publicPackage, privatePackage } = await keyPackage(who, credential);
  return createGroup(text(groupId), publicPackage, privatePackage, [], suite);
}

/** `who` joins by external commit (`resync` false even if its key is there already). */
export async function joinExternally(groupInfo: GroupInfo, who: Signer) {
  const { publicPackage, privatePackage } = await keyPackage(who);
  const { publicMessage, newState } = await joinGroupExternal(groupInfo, publicPackage, privatePackage, false, suite);
  return { commit: encodeMlsMessage({ version: "mls10", wireformat: "mls_public_message", publicMessage }), state: newState };
}

/** The GroupInfo object of a state, for joinExternally. */
export function groupInfoObject(state: ClientState): Promise<GroupInfo> {
  return createGroupInfoWithExternalPubAndRatchetTree(state, [], suite);
}

export async function applicationMessage(state: ClientState, message: string): Promise<Uint8Array> {
  const { privateMessage } = await createApplicationMessage(state, text(message), suite);
  return encodeMlsMessage({ version: "mls10", wireformat: "mls_private_message", privateMessage });
}

/** An empty commit (a path update), public or private. */
export async function emptyCommit(state: ClientState, wireAsPublicMessage: boolean): Promise<Uint8Array> {
  const { commit } = await createCommit({ state, cipherSuite: suite }, { wireAsPublicMessage, ratchetTreeExtension: true });
  return encodeMlsMessage(commit);
}

/** Runs `read` and returns the FramingError code it threw (failing the test if it threw anything else or nothing). */
export function codeOf(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    if (!(error instanceof FramingError)) throw error;
    return error.code;
  }
  throw new Error("expected a FramingError");
}

import {
  createApplicationMessage,
  createCommit,
  createGroup,
  defaultCapabilities,
  defaultKeyPackageEqualityConfig,
  defaultKeyRetentionConfig,
  defaultLifetimeConfig,
  defaultPaddingConfig,
  defaultLifetime,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  joinGroupExternal,
  processMessage,
  type ClientState,
  type ClientConfig,
  type GroupInfo,
  type IncomingMessageCallback,
  type MLSMessage,
  type PaddingConfig,
  type Proposal,
  type RatchetTree,
} from "ts-mls";
import { ratchetTreeFromExtension } from "ts-mls/groupInfo.js";
import type { Identity } from "../identity-document.js";
import type { MlsCipherSuite } from "./cipher-suite.js";
import { authenticationService, type CredentialCheck } from "./credential-check.js";
import { GroupError, GroupErrorCode } from "./errors.js";
import { assertUniqueSignatureKeys, credentialOf, keyId, membersOf, sameKey, type GroupMember } from "./members.js";
import { senderOf } from "./sender.js";
import { decodeGroupState, encodeGroupState } from "./state-codec.js";
import { decodeWhole, groupInfoBytes } from "./wire.js";

/**
 * What every group needs: the cipher suite, who we are, and how to check other members.
 *
 * @example
 * const options: GroupOptions = { suite, identity, checkCredential: ({ name, signatureKey }) => vouched(name, signatureKey) };
 */
export interface GroupOptions {
  readonly suite: MlsCipherSuite;
  /** Our name (the credential) and identity key (the leaf's signature key). */
  readonly identity: Identity;
  readonly checkCredential: CredentialCheck;
  /**
   * How application messages are padded (ts-mls's default: up to a multiple of 256 bytes, so
   * 1-100 bytes of text are 326 bytes on the wire). Padding hides lengths from the relay.
   */
  readonly padding?: PaddingConfig;
}

/**
 * A handshake to submit to the relay: the commit and the GroupInfo of the epoch it starts,
 * uploaded together. Call `accept()` only once the relay has taken it; drop it otherwise.
 */
export interface PendingCommit {
  /** An MLSMessage (PublicMessage), for the room log. */
  readonly commit: Uint8Array;
  /** An MLSMessage (GroupInfo) for the relay to keep for joiners. */
  readonly groupInfo: Uint8Array;
  /** The epoch the commit belongs to (the group's current one). */
  readonly epoch: bigint;
  /** Makes the commit's epoch the group's. */
  accept(): void;
}

/**
 * A leaf to remove, with the name it must still hold: what the relay's pending removals list.
 *
 * @example
 * const removal: Removal = { leaf: 3, name: "carol" };
 */
export interface Removal {
  readonly leaf: number;
  readonly name: string;
}

/** What processing one log entry did. */
export type Processed =
  | { readonly kind: "message"; readonly sender: string; readonly plaintext: Uint8Array }
  | { readonly kind: "commit"; readonly epoch: bigint; readonly joined: GroupMember[]; readonly removed: GroupMember[]; readonly removedMe: boolean }
  | { readonly kind: "proposal" }
  /** A message this group sent itself (ts-mls cannot process its own messages). */
  | { readonly kind: "own" };

// How many of our own messages we remember, to recognise them in the log.
const MAX_REMEMBERED_OWN_MESSAGES = 1024;

/**
 * An MLS group (a Pigeon room) from one member's side. Operations run one at a time; a failed
 * one leaves the group as it was.
 *
 * @example
 * const { group, groupInfo } = await MlsGroup.create(roomId, { suite, identity, checkCredential });
 * const ciphertext = await group.encrypt(new TextEncoder().encode("hi"));
 */
export class MlsGroup {
  #state: ClientState;
  #members: { readonly tree: RatchetTree; readonly members: readonly GroupMember[] } | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #rejected: string[] = [];
  readonly #own = new Set<string>();
  readonly #options: GroupOptions;

  private constructor(state: ClientState, options: GroupOptions) {
    this.#options = options;
    this.#state = { ...state, clientConfig: this.#config() };
  }

  /**
   * Starts a group with us as its only member, at epoch 0. Upload `groupInfo` so others can join.
   *
   * @example
   * const { group, groupInfo } = await MlsGroup.create(new TextEncoder().encode("room#1"), options);
   */
  static async create(groupId: Uint8Array, options: GroupOptions): Promise<{ group: MlsGroup; groupInfo: Uint8Array }> {
    const { publicPackage, privatePackage } = await keyPackageOf(options);
    const state = await createGroup(groupId, publicPackage, privatePackage, [], options.suite);
    const group = new MlsGroup(state, options);
    return { group, groupInfo: await groupInfoBytes(group.#state, options.suite) };
  }

  /**
   * Joins by external commit against the relay's GroupInfo, needing nobody online. When the
   * tree already holds our key (state lost, a restart without state), the join is a resync that
   * replaces our old leaf. The group is ours only once the relay accepts `commit`.
   *
   * @example
   * const join = await MlsGroup.joinExternal(groupInfo, options);
   * await relay.submit(join.commit, join.groupInfo); // then keep join.group
   */
  static async joinExternal(
    groupInfo: Uint8Array,
    options: GroupOptions,
  ): Promise<{ group: MlsGroup; commit: Uint8Array; groupInfo: Uint8Array; resync: boolean }> {
    const message = decodeWhole(groupInfo);
    if (message.wireformat !== "mls_group_info") throw new GroupError(GroupErrorCode.UNREADABLE, "not a GroupInfo");
    const tree = treeOf(message.groupInfo);
    assertUniqueSignatureKeys(tree);
    const { name, key } = options.identity;
    const former = tree.find((member) => sameKey(member.signatureKey, key.publicKey));
    if (former !== undefined && former.name !== name) {
      throw new GroupError(GroupErrorCode.CREDENTIAL_REJECTED, `our key is already the leaf of ${former.name}`);
    }
    // ts-mls loops forever on a resync without a leaf of ours, so resync only when there is one.
    const resync = former !== undefined;
    const { publicPackage, privatePackage } = await keyPackageOf(options);
    const rejected: string[] = [];
    const clientConfig = configOf(options, (rejectedName) => rejected.push(rejectedName));
    let joined: Awaited<ReturnType<typeof joinGroupExternal>>;
    try {
      joined = await joinGroupExternal(message.groupInfo, publicPackage, privatePackage, resync, options.suite, undefined, clientConfig);
    } catch (error) {
      throw toGroupError(error, rejected, "cannot join from this GroupInfo");
    }
    const group = new MlsGroup(joined.newState, options);
    await group.#checkMembers([], membersOf(joined.newState.ratchetTree));
    const commit = encodeMlsMessage({ version: "mls10", wireformat: "mls_public_message", publicMessage: joined.publicMessage });
    await group.#remember(commit);
    return { group, commit, groupInfo: await groupInfoBytes(joined.newState, options.suite), resync };
  }

  /**
   * Restores a group from {@link MlsGroup.encode}'s bytes; the identity must be the one that
   * encoded it (its secret key is not in the bytes).
   *
   * @example
   * const group = await MlsGroup.restore(await readFile(path), options);
   */
  static async restore(encoded: Uint8Array, options: GroupOptions): Promise<MlsGroup> {
    await Promise.resolve();
    return new MlsGroup(decodeGroupState(encoded, options.identity, configOf(options, () => undefined)), options);
  }

  /** The group's current epoch. */
  get epoch(): bigint {
    return this.#state.groupContext.epoch;
  }

  /** The group id given to {@link MlsGroup.create}. */
  get groupId(): Uint8Array {
    return this.#state.groupContext.groupId;
  }

  /** Every member, us included, in leaf order (a new array each time; the members are shared). */
  get members(): GroupMember[] {
    // Read once per tree: a tree is replaced, never changed in place (ts-mls copies one before
    // every change), and application messages keep it. Walking it on every read cost 57 µs a
    // message in a room of 100 in the browser (the SDK and `process` each read it per entry).
    const tree = this.#state.ratchetTree;
    if (this.#members?.tree !== tree) this.#members = { tree, members: membersOf(tree) };
    return [...this.#members.members];
  }

  /** False once a processed commit removed us: check this, not the error of a later operation. */
  get active(): boolean {
    return this.#state.groupActiveState.kind === "active";
  }

  /**
   * The state to store, without the identity's secret key (kept apart in the key store). It
   * still holds the group's secrets: store it as privately as the identity (a 0600 file).
   *
   * @example
   * await writeFile(path, group.encode(), { mode: 0o600 });
   */
  encode(): Uint8Array {
    return encodeGroupState(this.#state);
  }

  /**
   * Encrypts an application message for the current epoch. The message key is spent even if
   * the relay refuses the message: never resend the same bytes in a later epoch; encrypt again.
   *
   * @example
   * socket.emit("mls:send", { message: await group.encrypt(new TextEncoder().encode("hi")) });
   */
  encrypt(plaintext: Uint8Array): Promise<Uint8Array> {
    return this.#serial(async () => {
      this.#assertActive();
      const { newState, privateMessage } = await createApplicationMessage(this.#state, plaintext, this.#options.suite);
      this.#state = newState;
      const bytes = encodeMlsMessage({ version: "mls10", wireformat: "mls_private_message", privateMessage });
      await this.#remember(bytes);
      return bytes;
    });
  }

  /**
   * A commit that removes the given leaves (and applies any proposals received), as a
   * PublicMessage so the relay can see whom it removes. A leaf is removed only while it still
   * holds the name given with it (a name may hold a stale leaf under an old key beside its
   * new one, and a leaf index is reused once freed), and never our own. Undefined when none
   * of them is left to remove.
   *
   * @example
   * const pending = await group.commitRemovals([{ leaf: 3, name: "carol" }]);
   * if (pending && (await relay.submit(pending.commit, pending.groupInfo))) pending.accept();
   */
  commitRemovals(removals: readonly Removal[]): Promise<PendingCommit | undefined> {
    return this.#serial(async () => {
      this.#assertActive();
      const own = this.#state.privatePath.leafIndex;
      const proposals: Proposal[] = this.members
        .filter((member) => member.leaf !== own && removals.some(({ leaf, name }) => leaf === member.leaf && name === member.name))
        .map((member) => ({ proposalType: "remove", remove: { removed: member.leaf } }));
      if (proposals.length === 0) return undefined;
      const epoch = this.epoch;
      const { newState, commit } = await createCommit(
        { state: this.#state, cipherSuite: this.#options.suite },
        { wireAsPublicMessage: true, extraProposals: proposals, ratchetTreeExtension: true },
      );
      const commitBytes = encodeMlsMessage(commit);
      const commitDigest = await this.#digest(commitBytes);
      const groupInfo = await groupInfoBytes(newState, this.#options.suite);
      return {
        commit: commitBytes,
        groupInfo,
        epoch,
        accept: () => {
          if (this.epoch !== epoch) throw new GroupError(GroupErrorCode.UNREADABLE, "the group moved past this commit's epoch");
          this.#state = newState;
          this.#rememberDigest(commitDigest);
        },
      };
    });
  }

  /**
   * Processes one entry of the room log: entries must come in log order. Our own entries are
   * recognised (while this object lives) and reported as `own`; after a restart, skip the log
   * positions the relay returned for our submissions.
   *
   * @example
   * const result = await group.process(entry.message);
   * if (result.kind === "message") show(result.sender, new TextDecoder().decode(result.plaintext));
   */
  process(bytes: Uint8Array): Promise<Processed> {
    return this.#serial(async () => {
      if (this.#own.has(await this.#digest(bytes))) return { kind: "own" };
      this.#assertActive();
      const message = decodeWhole(bytes);
      if (message.wireformat !== "mls_private_message" && message.wireformat !== "mls_public_message") {
        throw new GroupError(GroupErrorCode.UNREADABLE, `a ${message.wireformat} is not a log entry`);
      }
      return this.#processFramed(message);
    });
  }

  async #processFramed(message: MLSMessage & { wireformat: "mls_private_message" | "mls_public_message" }): Promise<Processed> {
    const before = this.members;
    this.#rejected = [];
    let result: Awaited<ReturnType<typeof processMessage>>;
    let handshake: "commit" | "proposal" | undefined;
    const observe: IncomingMessageCallback = (incoming) => {
      handshake = incoming.kind;
      return "accept";
    };
    try {
      result = await processMessage(message, this.#state, emptyPskIndex, observe, this.#options.suite);
    } catch (error) {
      throw toGroupError(error, this.#rejected, "cannot process this message");
    }
    if (result.kind === "applicationMessage") {
      const sender = message.wireformat === "mls_private_message" ? await senderOf(message.privateMessage, this.#state, this.#options.suite) : undefined;
      if (sender === undefined) throw new GroupError(GroupErrorCode.UNREADABLE, "an application message without a known sender");
      this.#state = result.newState;
      return { kind: "message", sender: sender.name, plaintext: result.message };
    }
    const after = membersOf(result.newState.ratchetTree);
    if (handshake !== "commit") {
      this.#state = result.newState;
      return { kind: "proposal" };
    }
    const removedMe = result.newState.groupActiveState.kind === "removedFromGroup";
    if (!removedMe) await this.#checkMembers(before, after);
    this.#state = result.newState;
    const beforeLeaves = new Set(before.map(leafId));
    const afterLeaves = new Set(after.map(leafId));
    return {
      kind: "commit",
      epoch: this.epoch,
      joined: after.filter((member) => !beforeLeaves.has(leafId(member))),
      removed: before.filter((member) => !afterLeaves.has(leafId(member))),
      removedMe,
    };
  }

  // Every leaf that is new must pass the credential check, and no two leaves may share a key;
  // ts-mls checks the first only where it validates leaves, and never the second.
  async #checkMembers(before: readonly GroupMember[], after: readonly GroupMember[]): Promise<void> {
    assertUniqueSignatureKeys(after);
    const known = new Set(before.map(leafId));
    for (const member of after) {
      if (known.has(leafId(member))) continue;
      if (!(await this.#options.checkCredential(member))) {
        throw new GroupError(GroupErrorCode.CREDENTIAL_REJECTED, `the credential of ${member.name} does not match the key vouched for`);
      }
    }
  }

  #assertActive(): void {
    if (!this.active) throw new GroupError(GroupErrorCode.REMOVED, "we were removed from this group");
  }

  #config(): ClientConfig {
    return configOf(this.#options, (name) => this.#rejected.push(name));
  }

  async #digest(bytes: Uint8Array): Promise<string> {
    return keyId(await this.#options.suite.hash.digest(bytes));
  }

  async #remember(bytes: Uint8Array): Promise<void> {
    this.#rememberDigest(await this.#digest(bytes));
  }

  #rememberDigest(digest: string): void {
    if (this.#own.size >= MAX_REMEMBERED_OWN_MESSAGES) {
      const oldest = this.#own.values().next();
      if (oldest.done !== true) this.#own.delete(oldest.value);
    }
    this.#own.add(digest);
  }

  #serial<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(operation, operation);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/** A leaf and who holds it: a resync keeps the name but changes the leaf, a join reuses leaves. */
function leafId(member: GroupMember): string {
  return `${member.leaf}:${keyId(member.signatureKey)}`;
}

function configOf(options: GroupOptions, onReject: (name: string) => void): ClientConfig {
  return {
    keyRetentionConfig: defaultKeyRetentionConfig,
    lifetimeConfig: defaultLifetimeConfig,
    keyPackageEqualityConfig: defaultKeyPackageEqualityConfig,
    paddingConfig: options.padding ?? defaultPaddingConfig,
    authService: authenticationService(options.checkCredential, onReject),
  };
}

function keyPackageOf({ identity, suite }: GroupOptions) {
  const signatureKeyPair = { signKey: identity.key.secretKey, publicKey: identity.key.publicKey };
  return generateKeyPackageWithKey(credentialOf(identity.name), defaultCapabilities(), defaultLifetime, [], signatureKeyPair, suite);
}

function treeOf(groupInfo: GroupInfo): GroupMember[] {
  const tree = ratchetTreeFromExtension(groupInfo);
  if (tree === undefined) throw new GroupError(GroupErrorCode.UNREADABLE, "a GroupInfo without its ratchet tree");
  return membersOf(tree);
}

function toGroupError(error: unknown, rejected: readonly string[], message: string): GroupError {
  if (error instanceof GroupError) return error;
  if (rejected.length > 0) {
    return new GroupError(GroupErrorCode.CREDENTIAL_REJECTED, `the credential of ${rejected.join(", ")} does not match the key vouched for`, { cause: error });
  }
  return new GroupError(GroupErrorCode.UNREADABLE, message, { cause: error });
}

import { createIdentityKey, MlsGroup, type GroupOptions, type Identity, type MlsCipherSuite } from "@pigeon/crypto";

/** A member of a built room, as bytes: restore it with any provider's suite. */
export interface MemberSnapshot {
  readonly identity: Identity;
  /** `MlsGroup.encode()` at the snapshot's epoch. */
  readonly state: Uint8Array;
}

/** An encrypted room of `members` at one epoch: what a newcomer fetches, and two members. */
export interface RoomSnapshot {
  readonly members: number;
  /** The room's GroupInfo (with ratchet tree and external public key), as the relay keeps it. */
  readonly groupInfo: Uint8Array;
  /** The last member to join. */
  readonly newest: MemberSnapshot;
  /** The member who joined just before it, and processed its join. */
  readonly previous: MemberSnapshot;
}

/** Every member's credential is accepted: the bench measures MLS, not the SDK's key checks. */
export function groupOptions(suite: MlsCipherSuite, identity: Identity): GroupOptions {
  return { suite, identity, checkCredential: () => true };
}

/**
 * Grows one room by external joins, the way Pigeon rooms grow (each newcomer joins from the
 * previous GroupInfo, nobody else online), and snapshots it at each of `sizes` (ascending).
 * Only the last two members are kept up to date, so growth costs what the newcomers pay: about
 * n²/2 leaf-sized steps, minutes at 1,000 members. (A room made by one creator adding everyone
 * in one commit is built in seconds but has blank parent nodes, which makes ts-mls's
 * parent-hash check quadratic in a join: not the tree Pigeon rooms have.)
 *
 * @example
 * const [ten, hundred] = await growRoom([10, 100], await suiteFor("node"));
 */
export async function growRoom(sizes: readonly number[], suite: MlsCipherSuite, onProgress?: (members: number) => void): Promise<RoomSnapshot[]> {
  const identity = (index: number): Identity => ({ name: `m${String(index)}`, key: createIdentityKey() });
  const first = identity(0);
  const created = await MlsGroup.create(new TextEncoder().encode("pigeon/bench/mls-room"), groupOptions(suite, first));
  let groupInfo = created.groupInfo;
  let newest = { identity: first, group: created.group };
  let previous: typeof newest | undefined;
  const snapshots: RoomSnapshot[] = [];
  const largest = Math.max(...sizes);
  for (let members = 1; members <= largest; members += 1) {
    if (members > 1) {
      const joiner = identity(members - 1);
      const join = await MlsGroup.joinExternal(groupInfo, groupOptions(suite, joiner));
      await newest.group.process(join.commit);
      previous = newest;
      newest = { identity: joiner, group: join.group };
      groupInfo = join.groupInfo;
      if (members % 100 === 0) onProgress?.(members);
    }
    if (sizes.includes(members)) {
      if (previous === undefined) throw new Error("growRoom: a room needs two members");
      snapshots.push({
        members,
        groupInfo,
        newest: { identity: newest.identity, state: newest.group.encode() },
        previous: { identity: previous.identity, state: previous.group.encode() },
      });
    }
  }
  return snapshots;
}

/**
 * A live member from a snapshot, on `suite`'s provider.
 *
 * @example
 * const sender = await restoreMember(room.newest, await suiteFor("webcrypto"));
 */
export function restoreMember(member: MemberSnapshot, suite: MlsCipherSuite): Promise<MlsGroup> {
  return MlsGroup.restore(member.state, groupOptions(suite, member.identity));
}

import type { GroupStatus } from "@pigeon/protocol";
import type { GroupLeaf, GroupRecordInput } from "./relay-store.js";

/** An encrypted room's group as the memory store holds it, for one incarnation of the room. */
export interface GroupRecord {
  readonly epoch: number;
  readonly groupId: string;
  /** The latest GroupInfo, base64 as received. */
  readonly groupInfo: string;
  /** Leaf index → leaf. */
  readonly leaves: ReadonlyMap<number, GroupLeaf>;
  /** nameKey → that name's leaves (one, unless a GroupInfo gave a name two keys). */
  readonly byName: ReadonlyMap<string, readonly GroupLeaf[]>;
  /** Leaf index → name of each leaf the next commit must remove. */
  readonly pending: Map<number, string>;
}

/** The login key the room holds for a member (by nameKey); undefined for a name that is not a member. */
export type MemberKey = (nameKey: string) => string | undefined;

/**
 * A group record from a GroupInfo the store accepted, with its pending removals: every leaf
 * whose name is not a member of the room, or whose key is not the one that member logged in with.
 */
export function groupRecord(input: GroupRecordInput, keyOf: MemberKey): GroupRecord {
  const byName = new Map<string, GroupLeaf[]>();
  for (const leaf of input.leaves) byName.set(leaf.nameKey, [...(byName.get(leaf.nameKey) ?? []), leaf]);
  const record: GroupRecord = {
    epoch: input.epoch,
    groupId: input.groupId,
    groupInfo: input.groupInfo,
    leaves: new Map(input.leaves.map((leaf) => [leaf.leaf, leaf])),
    byName,
    pending: new Map(),
  };
  for (const nameKey of byName.keys()) refreshName(record, nameKey, keyOf);
  return record;
}

/** Decides again whether `nameKey`'s leaves are pending removals; returns whether that changed. */
export function refreshName(record: GroupRecord | undefined, nameKey: string, keyOf: MemberKey): boolean {
  if (record === undefined) return false;
  const key = keyOf(nameKey);
  let changed = false;
  for (const leaf of record.byName.get(nameKey) ?? []) {
    const pending = key !== leaf.publicKey;
    if (pending === record.pending.has(leaf.leaf)) continue;
    if (pending) record.pending.set(leaf.leaf, leaf.name);
    else record.pending.delete(leaf.leaf);
    changed = true;
  }
  return changed;
}

/** Where the group stands: epoch (null without a group) and pending removals by leaf. */
export function statusOf(record: GroupRecord | undefined): GroupStatus {
  if (record === undefined) return { epoch: null, pending: [] };
  const pending = [...record.pending].map(([leaf, name]) => ({ leaf, name })).sort((a, b) => a.leaf - b.leaf);
  return { epoch: record.epoch, pending };
}

/** Whether two records have the same pending removals. */
export function samePending(before: GroupRecord | undefined, after: GroupRecord): boolean {
  if (before === undefined) return after.pending.size === 0;
  if (before.pending.size !== after.pending.size) return false;
  for (const [leaf, name] of after.pending) if (before.pending.get(leaf) !== name) return false;
  return true;
}

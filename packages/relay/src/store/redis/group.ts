// The Redis store's side of encrypted rooms: room modes, group creation, MLS appends and the
// group view, each one script call on the room's slot (./group-scripts.ts).
import type { RoomMode } from "@pigeon/protocol";
import {
  entryBytes,
  newIncarnation,
  type GroupChange,
  type GroupLeaf,
  type GroupRecordInput,
  type GroupRefusal,
  type GroupRefused,
  type GroupView,
  type MlsAppended,
  type MlsSubmission,
  type StoredEntry,
} from "../relay-store.js";
import { roomKeyList } from "./keys.js";
import type { RedisContext } from "./membership.js";
import { heldBudget, quotaRefusal } from "./quota.js";
import { groupStatus, list, num, roomMode, str } from "./replies.js";

/** See `RelayStore.roomMode`. */
export async function readRoomMode({ redis, keys }: RedisContext, room: string): Promise<RoomMode | undefined> {
  const [mode] = list(await redis.pigeonRoomMode(...roomKeyList(keys.room(room))));
  return mode === null ? undefined : roomMode(mode);
}

/** See `RelayStore.createGroup`. */
export async function createGroup({ redis, keys }: RedisContext, room: string, group: GroupRecordInput): Promise<GroupChange | GroupRefused> {
  const args = [room, newIncarnation(), group.groupId, group.groupInfo, leavesJson(group.leaves)];
  const reply = list(await redis.pigeonCreateGroup(...roomKeyList(keys.room(room)), ...args));
  if (reply[0] !== "ok") return refusal(reply);
  const [, incarnation, epoch, pending] = reply;
  return { ...groupStatus(epoch, pending), incarnation: str(incarnation) };
}

/** See `RelayStore.appendMls`. */
export async function appendMls(
  context: RedisContext,
  room: string,
  entry: Omit<StoredEntry, "seq">,
  submission: MlsSubmission,
  clientKey = "",
): Promise<MlsAppended> {
  const { redis, keys, limits } = context;
  const { id, user, message, sentAt, mls = "application", epoch = -1 } = entry;
  const quota = [limits.maxRoomEntries, limits.maxRoomBytes];
  const args = [id, user, message, sentAt, entryBytes(entry), ...quota, newIncarnation(), clientKey, mls, epoch, heldBudget(context)];
  const reply = list(await redis.pigeonAppendMls(...roomKeyList(keys.room(room)), ...args, ...commitArgs(submission)));
  switch (reply[0]) {
    case "original": {
      const [, seq, incarnation, originalId, originalAt, groupEpoch, pending] = reply;
      const group = { ...groupStatus(groupEpoch, pending), incarnation: str(incarnation) };
      return { seq: num(seq), incarnation: str(incarnation), original: { id: str(originalId), sentAt: num(originalAt) }, group, changed: false };
    }
    case "ok": {
      const [, seq, incarnation, from, to, changed, groupEpoch, pending] = reply;
      const group = { ...groupStatus(groupEpoch, pending), incarnation: str(incarnation) };
      const placed = { seq: num(seq), incarnation: str(incarnation), group, changed: num(changed) === 1 };
      return from === null || to === null ? placed : { ...placed, expired: { from: num(from), to: num(to) } };
    }
    case "quota":
      throw quotaRefusal(reply[1]);
    default:
      return refusal(reply);
  }
}

/** See `RelayStore.groupView`. */
export async function groupView({ redis, keys }: RedisContext, room: string): Promise<GroupView | undefined> {
  const reply = list(await redis.pigeonGroupView(...roomKeyList(keys.room(room)), newIncarnation()));
  const [mode, incarnation, seq, info, epoch, pending] = reply;
  if (mode === null) return undefined;
  return {
    ...groupStatus(epoch, pending),
    incarnation: str(incarnation),
    mode: roomMode(mode),
    seq: num(seq),
    groupInfo: info === null ? null : str(info),
  };
}

function commitArgs(submission: MlsSubmission): (string | number)[] {
  if (submission.kind !== "commit") return [];
  const { groupId, committer, next } = submission;
  const sender = committer === "external" ? ["external", "", ""] : [committer.leaf, committer.nameKey, committer.publicKey];
  return [groupId, ...sender, next.epoch, next.groupInfo, leavesJson(next.leaves)];
}

/** Leaves as the scripts take them: JSON [[leaf, name, nameKey, key], ...]. */
function leavesJson(leaves: readonly GroupLeaf[]): string {
  return JSON.stringify(leaves.map(({ leaf, name, nameKey, publicKey }) => [leaf, name, nameKey, publicKey]));
}

const REFUSALS: readonly GroupRefusal[] = ["plain", "stale", "pending", "group-id", "sender"];

function refusal(reply: unknown[]): GroupRefused {
  const [kind, reason, incarnation, epoch, pending] = reply;
  const refused = REFUSALS.find((known) => known === reason);
  if (kind !== "refused" || refused === undefined) throw new Error("unexpected Redis reply: expected a group refusal");
  return { refused, group: { ...groupStatus(epoch, pending), incarnation: str(incarnation) } };
}

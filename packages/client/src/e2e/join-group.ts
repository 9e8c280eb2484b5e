import { MlsGroup, type GroupOptions } from "@pigeon/crypto";
import type { GroupStatus } from "@pigeon/protocol";
import { PigeonError } from "../errors.js";
import { newClientId } from "../validate.js";
import { fromBase64, toBase64 } from "./base64.js";
import type { RelayLink } from "./relay-link.js";

/**
 * How often a join tries again after another member's commit came first. Each loss means
 * someone else's commit landed, so ten members joining at once need at most nine retries.
 */
export const MAX_JOIN_ATTEMPTS = 25;

/** A group we are now in, and where the room's log stands for it. */
export interface JoinedGroup {
  readonly group: MlsGroup;
  /** The room's incarnation the group belongs to. */
  readonly incarnation: string;
  /** Entries at or before this seq are not for this group state (our own commit's seq, or the log's end at creation). */
  readonly seq: number;
  readonly cause: "created" | "joined" | "rejoined";
  /** The relay's view of the group after our arrival. */
  readonly status: GroupStatus;
}

/**
 * The group id the relay expects for a room's group: UTF-8 of `pigeon/<incarnation>/<room>`, so a
 * room that starts over gets a new group.
 *
 * @example
 * groupIdOf("team", "Yq3vS0b1") // bytes of "pigeon/Yq3vS0b1/team"
 */
export function groupIdOf(room: string, incarnation: string): Uint8Array {
  return new TextEncoder().encode(`pigeon/${incarnation}/${room}`);
}

/**
 * Gets us into a room's group with nobody else online: creates it when the relay has none,
 * otherwise joins by external commit against the relay's GroupInfo (a resync that replaces our
 * old leaf when our key is still in the tree). When another member's commit or creation came
 * first, fetches the new GroupInfo and tries again, at most {@link MAX_JOIN_ATTEMPTS} times.
 *
 * @example
 * const { group, seq } = await joinGroup(link, "team", options(room));
 */
export async function joinGroup(link: RelayLink, room: string, options: (incarnation: string) => GroupOptions): Promise<JoinedGroup> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= MAX_JOIN_ATTEMPTS; attempt += 1) {
    const info = await link.request("groupInfo", { room });
    const groupOptions = options(info.incarnation);
    try {
      if (info.groupInfo === null) {
        const { group, groupInfo } = await MlsGroup.create(groupIdOf(room, info.incarnation), groupOptions);
        const status = await link.request("createGroup", { room, groupInfo: toBase64(groupInfo) });
        return { group, incarnation: info.incarnation, seq: info.seq, cause: "created", status };
      }
      const join = await MlsGroup.joinExternal(fromBase64(info.groupInfo), groupOptions);
      const ack = await link.request("mls", { room, message: toBase64(join.commit), groupInfo: toBase64(join.groupInfo), clientId: newClientId() });
      const cause = join.resync ? "rejoined" : "joined";
      return { group: join.group, incarnation: ack.incarnation, seq: ack.seq, cause, status: { epoch: ack.epoch, pending: info.pending } };
    } catch (error) {
      if (!(error instanceof PigeonError && error.code === "STALE_EPOCH")) throw error;
      lastError = error;
    }
  }
  throw new PigeonError("STALE_EPOCH", `could not join the group of ${room}: ${MAX_JOIN_ATTEMPTS} commits of others came first`, { cause: lastError });
}

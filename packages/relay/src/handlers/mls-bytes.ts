import { ErrorCode, type GroupStatus } from "@pigeon/protocol";
import { FramingError, readGroupInfo, readMlsMessage, type GroupInfoFraming, type MlsFraming } from "@pigeon/mls-framing";
import { RelayError } from "../errors.js";
import { nameKey, type GroupChange, type GroupLeaf, type GroupRefused } from "../store/relay-store.js";

/**
 * The bytes of an MLS message or GroupInfo in standard base64. Only the canonical encoding is
 * taken: the relay stores and forwards the text as received, so every member must decode it to
 * the bytes the relay read.
 */
export function mlsBytes(base64: string, what: string): Uint8Array {
  const bytes = Buffer.from(base64, "base64");
  if (bytes.toString("base64") !== base64) throw new RelayError(ErrorCode.BAD_REQUEST, `${what} is not canonical standard base64`);
  return bytes;
}

/** The framing of a log entry; BAD_REQUEST saying what was wrong (never quoting the bytes). */
export function framingOf(bytes: Uint8Array): MlsFraming {
  return readOr(() => readMlsMessage(bytes), "message");
}

/** What a GroupInfo says; BAD_REQUEST saying what was wrong. */
export function groupInfoOf(bytes: Uint8Array): GroupInfoFraming {
  return readOr(() => readGroupInfo(bytes), "groupInfo");
}

function readOr<T>(read: () => T, field: string): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof FramingError) throw new RelayError(ErrorCode.BAD_REQUEST, `${field}: ${error.message}`);
    throw error;
  }
}

/** An epoch as a number; no group gets near 2^53 epochs, so a larger one is not ours. */
export function epochNumber(epoch: bigint): number {
  if (epoch > BigInt(Number.MAX_SAFE_INTEGER)) throw new RelayError(ErrorCode.BAD_REQUEST, "an epoch no Pigeon group has");
  return Number(epoch);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A group id as text (Pigeon's are `pigeon/<incarnation>/<room>`); BAD_REQUEST when not UTF-8. */
export function groupIdText(groupId: Uint8Array): string {
  try {
    return utf8.decode(groupId);
  } catch {
    throw new RelayError(ErrorCode.BAD_REQUEST, "the group id is not a Pigeon group id");
  }
}

/** The leaves as the store keeps them: keys in base64url, the way logins carry them. */
export function storedLeaves(framing: GroupInfoFraming): GroupLeaf[] {
  return framing.leaves.map(({ leaf, name, signatureKey }) => ({
    leaf,
    name,
    nameKey: nameKey(name),
    publicKey: Buffer.from(signatureKey).toString("base64url"),
  }));
}

/** The status part of a group change, as errors and acks carry it. */
export function statusPart({ epoch, pending }: GroupChange): GroupStatus {
  return { epoch, pending };
}

/** The client's error for a group operation the store refused. */
export function refusedError(room: string, { refused, group }: GroupRefused): RelayError {
  const status = statusPart(group);
  switch (refused) {
    case "plain":
      return new RelayError(ErrorCode.BAD_REQUEST, `room ${room} is plain: it has no MLS group (send chat messages there)`);
    case "stale":
      return new RelayError(
        ErrorCode.STALE_EPOCH,
        group.epoch === null ? `room ${room} has no group yet: create it` : `room ${room}'s group is at epoch ${group.epoch}: catch up and make it again`,
        status,
      );
    case "pending":
      return new RelayError(ErrorCode.REMOVALS_PENDING, `room ${room}'s group must first remove members who are gone: commit their removal, then send`, status);
    case "group-id":
      return new RelayError(ErrorCode.BAD_REQUEST, `the group of room ${room} must have the id "pigeon/${group.incarnation}/${room}"`);
    case "sender":
      return new RelayError(ErrorCode.UNAUTHORIZED, "the commit's sender leaf is not yours");
  }
}

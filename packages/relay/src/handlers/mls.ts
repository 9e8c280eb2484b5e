import { ErrorCode, MAX_MLS_APPLICATION_BYTES, type MlsPayload } from "@pigeon/protocol";
import type { MlsFraming } from "@pigeon/mls-framing";
import { messageId } from "../delivery/message-id.js";
import { RelayError } from "../errors.js";
import { announceGroup } from "../membership/group-status.js";
import { nameKey, type MlsSubmission } from "../store/relay-store.js";
import { defineHandler, STEP } from "./define-handler.js";
import { inOrder, stepInOrder } from "./order.js";
import { deliver } from "./deliver.js";
import { requireGroupMember, type GroupMemberCaller } from "./guards.js";
import { epochNumber, framingOf, groupIdText, groupInfoOf, mlsBytes, refusedError, storedLeaves } from "./mls-bytes.js";

/**
 * `mls`: an MLS message for an encrypted room's log. The relay reads its kind and epoch from the
 * framing, never from the client, and the store takes it only for the group's current epoch: a
 * commit (a PublicMessage, with the GroupInfo of the epoch it starts) moves the group on; an
 * application message or proposal needs no removal pending. Accepted entries are delivered like
 * chat messages (same seq, acks, TTL, quota and client-id retries), with `mls` and `epoch`.
 * Like a `chat`, one sent without an ack callback is answered by the sender's echo (protocol
 * 7): the broadcast's own copy, or for a `clientId` the relay has seen, an echo to the sender
 * alone with the original's place (and this send's bytes: the sender cannot read its own
 * application messages anyway, and a handshake repeat is the same message). A connection's MLS
 * messages overlap as chats do, reaching the store, the room and the sender in the order sent.
 */
export const mls = defineHandler("mls", async (context, socket, payload, _after, acked, order) => {
  const caller = requireGroupMember(socket, payload.room);
  const { room, name: user } = caller;
  const bytes = mlsBytes(payload.message, "message");
  const framing = framingOf(bytes);
  const epoch = epochNumber(framing.epoch);
  const { kind } = framing;
  if (kind === "application" && bytes.length > MAX_MLS_APPLICATION_BYTES) {
    throw new RelayError(ErrorCode.PAYLOAD_TOO_LARGE, `an MLS application message must be at most ${MAX_MLS_APPLICATION_BYTES} bytes`);
  }
  const submission = submissionOf(caller, framing, payload);
  if (kind === "application") {
    await context.limits.message({ address: socket.handshake.address, name: user, event: "mls" });
  }
  const entry = { id: messageId(), user, message: payload.message, sentAt: context.clock(), mls: kind, epoch };
  const { clientId } = payload;
  const clientKey = clientId === undefined ? undefined : `${nameKey(user)}\n${clientId}`;
  const appended = await inOrder(order, STEP.store, () => context.store.appendMls(room, entry, submission, clientKey));
  if (appended.refused !== undefined) throw refusedError(room, appended);
  const { seq, incarnation, expired, original, group, changed } = appended;
  const after = { kind, epoch: kind === "commit" ? epoch + 1 : epoch };
  const { id, sentAt } = original ?? entry;
  const message = { user, message: payload.message, room, id, seq, incarnation, sentAt, ...(clientId === undefined ? {} : { clientId }), mls: kind, epoch };
  const broadcast = () => {
    if (original) {
      if (!acked) socket.emit("message", message);
      return;
    }
    const { io, logger } = context;
    deliver(context, socket, room, message, acked);
    if (expired) io.to(room).emit("expired", { room, ...expired, reason: "quota", incarnation });
    if (changed) announceGroup(context, room, group);
    if (kind !== "application") logger.debug({ room, seq, kind, epoch, bytes: bytes.length }, "mls handshake accepted");
  };
  const later = stepInOrder(order, STEP.broadcast, broadcast);
  if (later !== undefined) await later;
  return { room, id, seq, incarnation, sentAt, ...after };
}, { overlaps: true });

/** What the store must check and apply for this message, from its framing (and for a commit, its GroupInfo). */
function submissionOf(caller: GroupMemberCaller, framing: MlsFraming, payload: MlsPayload): MlsSubmission {
  const { kind, sender, wireformat } = framing;
  if (kind !== "commit") {
    if (payload.groupInfo !== undefined) throw new RelayError(ErrorCode.BAD_REQUEST, "only a commit comes with a groupInfo");
    // A public proposal names its sender; Pigeon takes proposals from members only.
    if (wireformat === "public" && sender.type !== "member") throw new RelayError(ErrorCode.UNAUTHORIZED, "a proposal must come from a member");
    return { kind };
  }
  if (payload.groupInfo === undefined) {
    throw new RelayError(ErrorCode.BAD_REQUEST, "a commit must come with the groupInfo of the epoch it starts");
  }
  const next = groupInfoOf(mlsBytes(payload.groupInfo, "groupInfo"));
  if (next.epoch !== framing.epoch + 1n) throw new RelayError(ErrorCode.BAD_REQUEST, "the groupInfo must be of the epoch the commit starts");
  const groupId = groupIdText(framing.groupId);
  if (groupIdText(next.groupId) !== groupId) throw new RelayError(ErrorCode.BAD_REQUEST, "the groupInfo must be of the commit's group");
  return {
    kind,
    groupId,
    committer: committerOf(caller, framing),
    next: { groupId, groupInfo: payload.groupInfo, epoch: epochNumber(next.epoch), leaves: storedLeaves(next) },
  };
}

function committerOf({ name, publicKey }: GroupMemberCaller, { sender }: MlsFraming) {
  if (sender.type === "member") return { leaf: sender.leaf, nameKey: nameKey(name), publicKey };
  if (sender.type !== "new_member_commit") throw new RelayError(ErrorCode.UNAUTHORIZED, "a commit must come from a member or a newcomer");
  // Anyone holding the GroupInfo could join under any name: the new leaf must be the caller's.
  if (nameKey(sender.name) !== nameKey(name) || Buffer.from(sender.signatureKey).toString("base64url") !== publicKey) {
    throw new RelayError(ErrorCode.UNAUTHORIZED, "an external commit must add your own name and login key");
  }
  return "external" as const;
}

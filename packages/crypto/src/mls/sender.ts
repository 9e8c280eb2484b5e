import type { ClientState, PrivateMessage } from "ts-mls";
import { decryptSenderData } from "ts-mls/privateMessage.js";
import type { MlsCipherSuite } from "./cipher-suite.js";
import { memberAt, type GroupMember } from "./members.js";

/**
 * The member who sent a PrivateMessage, read from its encrypted sender data with the keys of the
 * message's epoch (ts-mls returns an application message's text but not its sender). Call it
 * with the state the message was processed against, after processing verified its signature.
 */
export async function senderOf(message: PrivateMessage, state: ClientState, suite: MlsCipherSuite): Promise<GroupMember | undefined> {
  const epochData =
    message.epoch === state.groupContext.epoch
      ? { senderDataSecret: state.keySchedule.senderDataSecret, ratchetTree: state.ratchetTree }
      : state.historicalReceiverData.get(message.epoch);
  if (epochData === undefined) return undefined;
  const senderData = await decryptSenderData(message, epochData.senderDataSecret, suite);
  if (senderData === undefined) return undefined;
  return memberAt(epochData.ratchetTree, senderData.leafIndex);
}

import { ErrorCode, quickAckPayload } from "@pigeon/protocol";
import { RelayError } from "../errors.js";
import { defineHandler } from "./define-handler.js";
import { requireLogin } from "./guards.js";

/**
 * `ack`: a member confirms it has everything in a room up to `seq`. What every member now
 * has is deleted, and the senders concerned hear about it in their next receipts. The usual
 * `{ room, seq }` is parsed without zod (`quickAckPayload`), anything else by `AckPayload`.
 */
export const ack = defineHandler("ack", async ({ store, receipts, clock }, socket, { room, seq }) => {
  const name = requireLogin(socket);
  if (socket.data.kind !== "keyed") {
    throw new RelayError(ErrorCode.BAD_REQUEST, "guests receive live messages only and have nothing to ack");
  }
  const result = await store.ack(room, name, seq, clock());
  if (!result) throw new RelayError(ErrorCode.NOT_IN_ROOM, `not a member of ${room}`);
  receipts.touch(room, result.deleted, { after: result.from, through: result.acked });
  return { room, acked: result.acked };
}, { quick: quickAckPayload });

import type { Receipt } from "@pigeon/protocol";
import type { OutboxEntry } from "./outbox.js";

/** What became of an own message, as the person sees it. */
export type OwnStatus =
  | { readonly kind: "sending"; readonly waiting: boolean }
  | { readonly kind: "failed"; readonly reason: string }
  | { readonly kind: "accepted" }
  | { readonly kind: "delivered"; readonly delivered: number; readonly total: number }
  | { readonly kind: "delivered-all" };

/**
 * The status of an own message from its outbox entry (if typed here) and its latest receipt.
 * `connected` tells a queued message that waits for the connection from one about to go.
 *
 * @example
 * ownStatus(entry, receipts.get(entry.ack?.id ?? ""), true) // { kind: "delivered", delivered: 1, total: 2 }
 */
export function ownStatus(entry: OutboxEntry | undefined, receipt: Receipt | undefined, connected: boolean): OwnStatus | undefined {
  if (receipt !== undefined) {
    if (receipt.deleted || (receipt.total > 0 && receipt.delivered >= receipt.total)) return { kind: "delivered-all" };
    return { kind: "delivered", delivered: receipt.delivered, total: receipt.total };
  }
  if (entry === undefined) return undefined;
  switch (entry.state) {
    case "queued":
      return { kind: "sending", waiting: !connected };
    case "sending":
      return { kind: "sending", waiting: false };
    case "failed":
      return { kind: "failed", reason: entry.error ?? "not sent" };
    case "accepted":
      return { kind: "accepted" };
  }
}

/**
 * The words for a status, short enough for a message's footer.
 *
 * @example
 * statusLabel({ kind: "delivered", delivered: 1, total: 3 }) // "Delivered to 1 of 3"
 */
export function statusLabel(status: OwnStatus): string {
  switch (status.kind) {
    case "sending":
      return "Sending…";
    case "failed":
      return "Not sent";
    case "accepted":
      return "Sent";
    case "delivered":
      return `Delivered to ${status.delivered} of ${status.total}`;
    case "delivered-all":
      return "Delivered to all";
  }
}

/**
 * A longer explanation of a status, for its tooltip and screen readers.
 *
 * @example
 * statusDetail({ kind: "delivered-all" }) // "Everyone in the room has it; it is deleted from the server"
 */
export function statusDetail(status: OwnStatus): string {
  switch (status.kind) {
    case "sending":
      return status.waiting ? "Offline: it goes out as soon as the connection is back" : "On its way to the server";
    case "failed":
      return `Not sent: ${status.reason}`;
    case "accepted":
      return "The server has it and holds it until everyone in the room has it";
    case "delivered":
      return `${status.delivered} of the ${status.total} other members have it; the server holds it for the rest`;
    case "delivered-all":
      return "Everyone in the room has it; it is deleted from the server";
  }
}

import { statusDetail, statusLabel, type OwnStatus } from "../state/own-status.js";
import { AlertIcon, CheckIcon, ClockIcon, DoubleCheckIcon } from "./icons.js";

function StatusIcon({ status }: { status: OwnStatus }) {
  switch (status.kind) {
    case "sending":
      return <ClockIcon />;
    case "failed":
      return <AlertIcon />;
    case "accepted":
      return <CheckIcon />;
    case "delivered":
    case "delivered-all":
      return <DoubleCheckIcon className={status.kind === "delivered-all" ? "icon-strong" : undefined} />;
  }
}

/** What became of an own message: sending, sent, delivered to k of n, delivered to all. */
export function MessageStatus({ status }: { status: OwnStatus }) {
  return (
    <span className={`status status-${status.kind}`} title={statusDetail(status)} data-status={status.kind}>
      <StatusIcon status={status} />
      <span className="status-label">{statusLabel(status)}</span>
    </span>
  );
}

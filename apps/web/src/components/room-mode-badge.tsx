import type { RoomMode } from "@pigeon/protocol";
import { LockIcon, OpenLockIcon } from "./icons.js";

/** Whether the open room is end-to-end encrypted, at a glance: a lock and a word, and a sentence for screen readers. */
export function RoomModeBadge({ mode }: { mode: RoomMode }) {
  return mode === "encrypted" ? (
    <span className="mode mode-encrypted" data-testid="room-mode" title="End-to-end encrypted: only the room's members can read its messages, not the server.">
      <LockIcon />
      <span className="mode-label">Encrypted</span>
      <span className="visually-hidden">: end-to-end, only the room&apos;s members can read its messages, not the server</span>
    </span>
  ) : (
    <span className="mode mode-plain" data-testid="room-mode" title="Not encrypted: the server can read this room's messages. Plain rooms are for the tutorial's simple clients.">
      <OpenLockIcon />
      <span className="mode-label">Not encrypted</span>
      <span className="visually-hidden">: the server can read this room&apos;s messages</span>
    </span>
  );
}

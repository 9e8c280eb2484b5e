import { useEffect, useId, useRef, useState } from "react";
import type { RoomMode } from "@pigeon/protocol";

interface LeaveDialogProps {
  room: string;
  mode: RoomMode | undefined;
  /** Leaves the room; resolves with whether it did (a refusal is reported by the store). */
  onLeave: () => Promise<boolean>;
  /** The dialog closed: `left` says whether the room was left. */
  onClose: (left: boolean) => void;
}

/**
 * Asks before leaving a room, and says what leaving deletes: there is no undo (the server drops
 * what it held for the person, and this device forgets the room). A modal `alertdialog`: the page
 * under it is inert, focus starts on Cancel, Escape cancels, and focus goes back to Leave.
 */
export function LeaveDialog({ room, mode, onLeave, onClose }: LeaveDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const left = useRef(false);
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const textId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (element !== null && !element.open) element.showModal();
    // The safe choice first: Enter right away keeps the room.
    cancel.current?.focus();
  }, []);

  const leave = async () => {
    setBusy(true);
    left.current = await onLeave();
    dialog.current?.close();
  };

  return (
    <dialog
      ref={dialog}
      role="alertdialog"
      className="verify-dialog leave-dialog"
      aria-labelledby={titleId}
      aria-describedby={textId}
      onClose={() => {
        onClose(left.current);
      }}
      onCancel={(event) => {
        // Escape while the leave is under way would hide that it happens anyway.
        if (busy) event.preventDefault();
      }}
      onKeyDown={(event) => {
        // Escape closes this dialog only, not a panel under it.
        if (event.key === "Escape") event.stopPropagation();
      }}
    >
      <h2 id={titleId}>Leave #{room}?</h2>
      <div id={textId}>
        <p>There is no undo:</p>
        <ul>
          <li>The server drops the messages it still holds for you in #{room}, and sends you no new ones.</li>
          <li>
            This device deletes #{room}&apos;s messages it kept{mode === "encrypted" ? ", its encryption keys for the room" : ""} and your unsent
            draft there; messages still waiting to be sent to it are not sent.
          </li>
          <li>Your own key, and the keys of people you have seen or verified, stay on this device.</li>
        </ul>
        <p>Joining #{room} again later gets only what is sent from then on.</p>
      </div>
      <div className="dialog-actions">
        <button
          ref={cancel}
          type="button"
          className="button button-secondary"
          disabled={busy}
          onClick={() => {
            dialog.current?.close();
          }}
        >
          Cancel
        </button>
        <button type="button" className="button button-danger" disabled={busy} onClick={() => void leave()}>
          {busy ? "Leaving…" : `Leave #${room}`}
        </button>
      </div>
    </dialog>
  );
}

import type { SafetyNumber } from "@pigeon/client";
import { useEffect, useId, useRef, useState } from "react";
import { useChatState, useChatStore } from "../hooks/chat-context.js";
import { keyChangeOf } from "../state/chat-state.js";
import { VerifiedIcon } from "./icons.js";

/**
 * The safety number of the signed-in person and `name`, to compare out of band, and a way to
 * mark `name` verified (for the key it has now). A modal dialog: focus stays in it, Escape or
 * Close shuts it, and focus goes back to what opened it.
 */
export function VerifyDialog({ name, onClose }: { name: string; onClose: () => void }) {
  const store = useChatStore();
  const state = useChatState();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [number, setNumber] = useState<SafetyNumber | "unknown" | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const change = keyChangeOf(state, name);
  const verified = state.verified.has(name);
  const changedKey = change?.current;

  useEffect(() => {
    const element = dialog.current;
    if (element !== null && !element.open) element.showModal();
  }, []);
  // Computed again when the key changes (or is accepted) while the dialog is open.
  useEffect(() => {
    let live = true;
    void store.safetyNumber(name).then((found) => {
      if (live) setNumber(found ?? "unknown");
    });
    return () => {
      live = false;
    };
  }, [store, name, changedKey]);

  const mark = async (verify: boolean) => {
    setBusy(true);
    await store.setVerified(name, verify);
    setBusy(false);
  };
  const groups = typeof number === "object" ? (number.digits.match(/\d{5}/gu) ?? []) : [];

  return (
    <dialog
      ref={dialog}
      className="verify-dialog"
      aria-labelledby={titleId}
      data-testid="verify"
      onClose={onClose}
      onKeyDown={(event) => {
        // Escape closes this dialog only, not the panel under it.
        if (event.key === "Escape") event.stopPropagation();
      }}
    >
      <h2 id={titleId}>Verify {name}</h2>
      <p>
        Compare this number with the one {name} sees for you, in person or on a call (not in this chat). If they are the same, your messages to each
        other are end-to-end encrypted between your two browsers, with nobody in between.
      </p>
      {number === undefined ? (
        <p className="safety-number-wait">Working out the safety number…</p>
      ) : number === "unknown" ? (
        <p className="safety-number-wait">
          There is no key for {name} here yet: it shows once you share an encrypted room with {name}.
        </p>
      ) : (
        <p className="safety-number" data-testid="safety-number" aria-label={`Safety number: ${groups.join(" ")}`}>
          {groups.map((group, index) => (
            <span key={index}>{group}</span>
          ))}
        </p>
      )}
      {change === undefined ? null : (
        <p className="verify-changed">
          {name}&apos;s key changed recently: this is the number for the new key. Compare it before you trust it.
        </p>
      )}
      <p className="verify-status" data-testid="verify-status" aria-live="polite">
        {verified ? (
          <>
            <VerifiedIcon className="icon-verified" /> You verified {name}.
          </>
        ) : (
          `${name} is not verified yet.`
        )}
      </p>
      <div className="dialog-actions">
        {typeof number !== "object" ? null : verified ? (
          <button type="button" className="button button-quiet" disabled={busy} onClick={() => void mark(false)}>
            Remove verification
          </button>
        ) : (
          <button type="button" className="button button-primary" disabled={busy} onClick={() => void mark(true)}>
            Mark as verified
          </button>
        )}
        <button
          type="button"
          className="button button-secondary"
          onClick={() => {
            dialog.current?.close();
          }}
        >
          Close
        </button>
      </div>
    </dialog>
  );
}

import { MAX_ROOM_LENGTH } from "@pigeon/protocol";
import { useId, useState, type SubmitEvent, type RefObject } from "react";
import { useChatState, useChatStore } from "../hooks/chat-context.js";
import { NameInput } from "./name-input.js";

// Browsers give WebCrypto, which encrypted rooms need, only to secure pages: https, or localhost.
const insecurePage = "isSecureContext" in globalThis && !globalThis.isSecureContext;

/**
 * Joins a room by name (or opens it, if already joined). New rooms are end-to-end encrypted; a
 * plain one only when the person ticks the box (for the seed tutorial's plain clients). Why a
 * join failed is said at the field (as the Name field does at sign-in), until the name is edited.
 */
export function JoinRoomForm({ inputRef, onJoined }: { inputRef?: RefObject<HTMLInputElement | null>; onJoined?: () => void }) {
  const store = useChatStore();
  const { joinError } = useChatState();
  const [room, setRoom] = useState("");
  const [busy, setBusy] = useState(false);
  const [plain, setPlain] = useState(false);
  const plainHintId = useId();
  const errorId = useId();

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (room.trim() === "" || busy) return;
    setBusy(true);
    const joined = await store.join(room, { plain, atField: true });
    setBusy(false);
    if (joined) {
      setRoom("");
      setPlain(false);
      onJoined?.();
    }
  };

  return (
    <form className="join-form" onSubmit={(event) => void submit(event)} noValidate>
      <label htmlFor="join-room">Room</label>
      <div className="join-form-row">
        <NameInput
          id="join-room"
          ref={inputRef}
          name="room"
          placeholder="e.g. lobby"
          autoComplete="off"
          maxLength={MAX_ROOM_LENGTH}
          value={room}
          aria-invalid={joinError !== undefined}
          aria-describedby={joinError === undefined ? undefined : errorId}
          onValueChange={(value) => {
            setRoom(value);
            store.clearJoinError();
          }}
        />
        <button type="submit" className="button button-on-dark" disabled={busy || room.trim() === ""}>
          Join
        </button>
      </div>
      {joinError === undefined ? null : (
        <p id={errorId} className="join-form-error" role="alert">
          {joinError}
        </p>
      )}
      <div className="join-form-plain">
        <input
          id="join-room-plain"
          type="checkbox"
          checked={plain}
          aria-describedby={plainHintId}
          onChange={(event) => {
            setPlain(event.target.checked);
          }}
        />
        <label htmlFor="join-room-plain">Plain room (not encrypted)</label>
      </div>
      {insecurePage ? (
        <p className="join-form-hint" role="note">
          This page came over plain http from another machine, so the browser withholds the cryptography encrypted rooms need. Open Pigeon over
          https (or at localhost on the machine it runs on), or tick Plain room.
        </p>
      ) : null}
      <p id={plainHintId} className={plain ? "join-form-hint" : "visually-hidden"}>
        New rooms are end-to-end encrypted. A plain room can be read by the server; it is for the tutorial&apos;s simple clients. Existing rooms keep
        their mode.
      </p>
    </form>
  );
}

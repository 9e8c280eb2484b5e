import { MAX_ROOM_LENGTH } from "@pigeon/protocol";
import { useId, useState, type SubmitEvent, type RefObject } from "react";
import { useChatStore } from "../hooks/chat-context.js";
import { NameInput } from "./name-input.js";

/**
 * Joins a room by name (or opens it, if already joined). New rooms are end-to-end encrypted; a
 * plain one only when the person ticks the box (for the seed tutorial's plain clients).
 */
export function JoinRoomForm({ inputRef, onJoined }: { inputRef?: RefObject<HTMLInputElement | null>; onJoined?: () => void }) {
  const store = useChatStore();
  const [room, setRoom] = useState("");
  const [busy, setBusy] = useState(false);
  const [plain, setPlain] = useState(false);
  const plainHintId = useId();

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (room.trim() === "" || busy) return;
    setBusy(true);
    const joined = await store.join(room, { plain });
    setBusy(false);
    if (joined) {
      setRoom("");
      setPlain(false);
      onJoined?.();
    }
  };

  return (
    <form className="join-form" onSubmit={(event) => void submit(event)}>
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
          onValueChange={setRoom}
        />
        <button type="submit" className="button button-secondary" disabled={busy || room.trim() === ""}>
          Join
        </button>
      </div>
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
      <p id={plainHintId} className={plain ? "join-form-hint" : "visually-hidden"}>
        New rooms are end-to-end encrypted. A plain room can be read by the server; it is for the tutorial&apos;s simple clients. Existing rooms keep
        their mode.
      </p>
    </form>
  );
}

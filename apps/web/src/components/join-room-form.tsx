import { MAX_ROOM_LENGTH } from "@pigeon/protocol";
import { useState, type SubmitEvent, type RefObject } from "react";
import { useChatStore } from "../hooks/chat-context.js";
import { NameInput } from "./name-input.js";

/** Joins a room by name (or opens it, if already joined). */
export function JoinRoomForm({ inputRef, onJoined }: { inputRef?: RefObject<HTMLInputElement | null>; onJoined?: () => void }) {
  const store = useChatStore();
  const [room, setRoom] = useState("");
  const [busy, setBusy] = useState(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (room.trim() === "" || busy) return;
    setBusy(true);
    const joined = await store.join(room);
    setBusy(false);
    if (joined) {
      setRoom("");
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
    </form>
  );
}

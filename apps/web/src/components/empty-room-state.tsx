import type { RefObject } from "react";
import { useChatStore } from "../hooks/chat-context.js";

/** What the main pane shows before any room is joined. */
export function EmptyRoomState({ onChooseRoom, firstRef }: { onChooseRoom: () => void; firstRef?: RefObject<HTMLButtonElement | null> }) {
  const store = useChatStore();
  return (
    <div className="empty-state">
      <h2>Join a room to start chatting</h2>
      <p>
        Rooms are made by joining them: pick any name and share it. Everyone in a room gets its messages, also those sent while they were
        away.
      </p>
      <div className="empty-state-actions">
        <button
          ref={firstRef}
          type="button"
          className="button button-primary"
          onClick={() => {
            void store.join("lobby");
          }}
        >
          Join #lobby
        </button>
        <button type="button" className="button button-secondary" onClick={onChooseRoom}>
          Choose a room
        </button>
      </div>
    </div>
  );
}

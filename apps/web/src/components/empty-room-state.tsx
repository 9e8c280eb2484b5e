import type { RefObject } from "react";
import { useChatStore } from "../hooks/chat-context.js";

interface EmptyRoomStateProps {
  onChooseRoom: () => void;
  /** #lobby was joined (focus goes to its Message field). */
  onJoined: () => void;
  /** The first button, for focus to go to when nothing else is next. */
  firstRef?: RefObject<HTMLButtonElement | null>;
}

/** What the main pane shows before any room is joined. */
export function EmptyRoomState({ onChooseRoom, onJoined, firstRef }: EmptyRoomStateProps) {
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
            void store.join("lobby").then((joined) => {
              if (joined) onJoined();
            });
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

import type { RefObject } from "react";
import type { ChatState } from "../state/chat-state.js";
import { AccountCard } from "./account-card.js";
import { BrandMark } from "./brand-mark.js";
import { PanelCloseButton } from "./panel-close-button.js";
import { JoinRoomForm } from "./join-room-form.js";
import { RetentionNote } from "./retention-note.js";
import { RoomListItem } from "./room-list-item.js";

interface RoomSidebarProps {
  state: ChatState;
  onOpen: (room: string) => void;
  joinInputRef: RefObject<HTMLInputElement | null>;
  onJoined: () => void;
  /** Closes the sidebar, when it is an overlay (on a phone). */
  onClose?: (() => void) | undefined;
}

/** The rooms joined (with unread counts), joining another, the server's policy, and the account. */
export function RoomSidebar({ state, onOpen, joinInputRef, onJoined, onClose }: RoomSidebarProps) {
  return (
    <nav className="sidebar" aria-label="Rooms">
      <div className="sidebar-top">
        <BrandMark />
        {onClose === undefined ? null : <PanelCloseButton id="rooms-close" label="Close rooms" onClose={onClose} />}
      </div>
      <h2 className="sidebar-heading" id="rooms-heading">
        Rooms
      </h2>
      {state.rooms.length === 0 ? (
        <p className="sidebar-empty">No rooms yet.</p>
      ) : (
        <ul className="room-list" aria-labelledby="rooms-heading">
          {state.rooms.map((room) => (
            <RoomListItem key={room.name} room={room} active={room.name === state.activeRoom} onOpen={onOpen} />
          ))}
        </ul>
      )}
      <JoinRoomForm inputRef={joinInputRef} onJoined={onJoined} />
      <div className="sidebar-bottom">
        <RetentionNote retention={state.retention} />
        {state.name === undefined ? null : <AccountCard name={state.name} online={state.connection === "connected"} />}
      </div>
    </nav>
  );
}

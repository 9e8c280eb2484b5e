import type { Room } from "../state/room.js";
import { MenuIcon, PeopleIcon } from "./icons.js";

interface RoomHeaderProps {
  room: Room | undefined;
  unreadElsewhere: number;
  panel: "none" | "rooms" | "members";
  onToggle: (panel: "rooms" | "members") => void;
  onLeave: (room: string) => void;
}

/** The open room's name and head count, the leave button, and (on narrow screens) the panel toggles. */
export function RoomHeader({ room, unreadElsewhere, panel, onToggle, onLeave }: RoomHeaderProps) {
  const members = room?.members;
  const online = members?.filter((member) => member.online).length ?? 0;
  return (
    <header className="room-header">
      <button
        type="button"
        className="icon-button rooms-toggle"
        aria-expanded={panel === "rooms"}
        aria-controls="rooms-panel"
        onClick={() => {
          onToggle("rooms");
        }}
      >
        <MenuIcon />
        <span className="visually-hidden">Rooms{unreadElsewhere > 0 ? `, ${unreadElsewhere} unread` : ""}</span>
        {unreadElsewhere > 0 ? (
          <span className="badge badge-corner" aria-hidden="true">
            {unreadElsewhere > 99 ? "99+" : unreadElsewhere}
          </span>
        ) : null}
      </button>
      <div className="room-title">
        <h1>{room === undefined ? "Pigeon" : `#${room.name}`}</h1>
        {members === undefined ? null : (
          <p className="room-subtitle">
            {members.length} {members.length === 1 ? "member" : "members"}, {online} online
          </p>
        )}
      </div>
      {room === undefined ? null : (
        <div className="room-actions">
          <button
            type="button"
            className="icon-button members-toggle"
            aria-expanded={panel === "members"}
            aria-controls="members-panel"
            onClick={() => {
              onToggle("members");
            }}
          >
            <PeopleIcon />
            <span className="members-toggle-text">People</span>
          </button>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              onLeave(room.name);
            }}
          >
            Leave<span className="visually-hidden"> #{room.name}</span>
          </button>
        </div>
      )}
    </header>
  );
}

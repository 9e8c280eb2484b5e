import type { ReactNode } from "react";
import type { Room } from "../state/room.js";
import { MenuIcon, PeopleIcon } from "./icons.js";
import { RoomModeBadge } from "./room-mode-badge.js";

interface RoomHeaderProps {
  room: Room | undefined;
  unreadElsewhere: number;
  panel: "none" | Panel;
  onToggle: (panel: Panel) => void;
  onLeave: (room: string) => void;
}

type Panel = "rooms" | "members";

/** A button that opens or closes a side panel (`#rooms-panel`, `#members-panel`) on narrow screens. */
function PanelToggle({ panel, open, onToggle, children }: { panel: Panel; open: boolean; onToggle: (panel: Panel) => void; children: ReactNode }) {
  return (
    <button
      type="button"
      className={`icon-button ${panel}-toggle`}
      aria-expanded={open}
      aria-controls={`${panel}-panel`}
      onClick={() => {
        onToggle(panel);
      }}
    >
      {children}
    </button>
  );
}

/** The open room's name and head count, the leave button, and (on narrow screens) the panel toggles. */
export function RoomHeader({ room, unreadElsewhere, panel, onToggle, onLeave }: RoomHeaderProps) {
  const members = room?.members;
  const online = members?.filter((member) => member.online).length ?? 0;
  return (
    <header className="room-header">
      <PanelToggle panel="rooms" open={panel === "rooms"} onToggle={onToggle}>
        <MenuIcon />
        <span className="visually-hidden">Rooms{unreadElsewhere > 0 ? `, ${unreadElsewhere} unread` : ""}</span>
        {unreadElsewhere > 0 ? (
          <span className="badge badge-corner" aria-hidden="true">
            {unreadElsewhere > 99 ? "99+" : unreadElsewhere}
          </span>
        ) : null}
      </PanelToggle>
      <div className="room-title">
        <h1 title={room === undefined ? undefined : `#${room.name}`}>{room === undefined ? "Pigeon" : `#${room.name}`}</h1>
        {members === undefined && room?.mode === undefined ? null : (
          <p className="room-subtitle">
            {room?.mode === undefined ? null : <RoomModeBadge mode={room.mode} />}
            {members === undefined ? null : (
              <span>
                {members.length} {members.length === 1 ? "member" : "members"}, {online} online
              </span>
            )}
          </p>
        )}
      </div>
      {room === undefined ? null : (
        <div className="room-actions">
          <PanelToggle panel="members" open={panel === "members"} onToggle={onToggle}>
            <PeopleIcon />
            <span className="members-toggle-text">People</span>
          </PanelToggle>
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

import type { Room } from "../state/room.js";

/** One room in the sidebar: its name and unread count ("random 2 unread" to a screen reader); opens it. */
export function RoomListItem({ room, active, onOpen }: { room: Room; active: boolean; onOpen: (room: string) => void }) {
  return (
    <li>
      <button
        type="button"
        className={`room-link${active ? " room-link-active" : ""}${room.unread > 0 ? " room-link-unread" : ""}`}
        aria-current={active ? "page" : undefined}
        // A long name ends in an ellipsis; the whole of it shows on hover (screen readers read it all).
        title={room.name}
        onClick={() => {
          onOpen(room.name);
        }}
      >
        <span className="room-link-hash" aria-hidden="true">
          #
        </span>
        <span className="room-link-name">{room.name}</span>
        {room.mode === "plain" ? <span className="visually-hidden">, not encrypted</span> : null}
        {room.unread > 0 ? (
          <span className="badge">
            {room.unread > 99 ? "99+" : room.unread}
            <span className="visually-hidden"> unread</span>
          </span>
        ) : null}
      </button>
    </li>
  );
}

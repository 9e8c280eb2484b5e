import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useChatState, useChatStore } from "../hooks/chat-context.js";
import { useDocumentTitle } from "../hooks/use-document-title.js";
import { findRoom, sameName } from "../state/chat-state.js";
import type { TimelineSources } from "../state/timeline.js";
import { Composer } from "./composer.js";
import { ConnectionBanner } from "./connection-banner.js";
import { EmptyRoomState } from "./empty-room-state.js";
import { KeyChangeWarning } from "./key-change-warning.js";
import { MemberPanel, type Trust } from "./member-panel.js";
import { MessageList } from "./message-list.js";
import { NoticeToast } from "./notice-toast.js";
import { RoomHeader } from "./room-header.js";
import { RoomSidebar } from "./room-sidebar.js";
import { TypingIndicator } from "./typing-indicator.js";
import { VerifyDialog } from "./verify-dialog.js";

type Panel = "none" | "rooms" | "members";

/** The chat: rooms on the left, the open room in the middle, its people on the right. */
export function ChatScreen() {
  const store = useChatStore();
  const state = useChatState();
  const [panel, setPanel] = useState<Panel>("none");
  const [verifying, setVerifying] = useState<string | undefined>(undefined);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const joinRef = useRef<HTMLInputElement>(null);
  const room = findRoom(state, state.activeRoom);
  const unreadElsewhere = state.rooms.reduce((sum, other) => (other.name === state.activeRoom ? sum : sum + other.unread), 0);
  const totalUnread = state.rooms.reduce((sum, other) => sum + other.unread, 0);
  useDocumentTitle(totalUnread, room?.name);

  const connected = state.connection === "connected";
  const sources: TimelineSources = useMemo(
    () => ({ outbox: state.outbox, receipts: state.receipts, connected }),
    [state.outbox, state.receipts, connected],
  );
  const waiting = state.outbox.filter((entry) => entry.state === "queued" || entry.state === "sending").length;

  const closePanel = useCallback(() => {
    setPanel("none");
  }, []);
  const openRoom = (name: string) => {
    store.select(name);
    setPanel("none");
    composerRef.current?.focus();
  };
  const toggle = (next: "rooms" | "members") => {
    setPanel((current) => (current === next ? "none" : next));
  };
  const chooseRoom = () => {
    setPanel("rooms");
    // After the panel is shown: focus moves into it.
    requestAnimationFrame(() => joinRef.current?.focus());
  };

  useEffect(() => {
    if (panel === "none") return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") closePanel();
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
    };
  }, [panel, closePanel]);

  const typing = room === undefined ? [] : store.typingIn(room.name);
  const unaccepted = useMemo(() => new Set(state.keyChanges.map((change) => change.name)), [state.keyChanges]);
  const trust: Trust | undefined = useMemo(
    () => (room?.mode === "encrypted" ? { verified: state.verified, changed: unaccepted, onVerify: setVerifying } : undefined),
    [room?.mode, state.verified, unaccepted],
  );
  // Warnings for the people of the open room whose key changed.
  const warnings =
    room === undefined
      ? []
      : state.keyChanges.filter((change) => change.rooms.includes(room.name) || room.members?.some((member) => sameName(member.name, change.name)));

  return (
    <div className={room === undefined ? "chat chat-no-room" : "chat"} data-panel={panel}>
      <div className="panel-rooms" id="rooms-panel">
        <RoomSidebar state={state} onOpen={openRoom} joinInputRef={joinRef} onJoined={closePanel} />
      </div>
      {panel === "none" ? null : <button type="button" className="scrim" aria-label="Close panel" tabIndex={-1} onClick={closePanel} />}
      <main className="room" aria-label={room === undefined ? "Pigeon" : `#${room.name}`}>
        <RoomHeader
          room={room}
          unreadElsewhere={unreadElsewhere}
          panel={panel}
          onToggle={toggle}
          onLeave={(name) => {
            void store.leave(name);
          }}
        />
        <ConnectionBanner connection={state.connection} waiting={waiting} />
        {warnings.map((change) => (
          <KeyChangeWarning key={change.name} change={change} onVerify={setVerifying} />
        ))}
        {room === undefined || state.name === undefined ? (
          <EmptyRoomState onChooseRoom={chooseRoom} />
        ) : (
          <>
            <MessageList room={room} sources={sources} name={state.name} unaccepted={unaccepted} />
            <TypingIndicator users={typing} />
            <Composer room={room.name} offline={!connected} plain={room.mode === "plain"} inputRef={composerRef} />
          </>
        )}
      </main>
      {room === undefined || state.name === undefined ? null : (
        <div className="panel-members">
          <MemberPanel room={room.name} members={room.members} me={state.name} offline={!connected} trust={trust} />
        </div>
      )}
      <NoticeToast notice={state.notice} />
      {verifying === undefined ? null : (
        <VerifyDialog
          name={verifying}
          onClose={() => {
            setVerifying(undefined);
          }}
        />
      )}
    </div>
  );
}

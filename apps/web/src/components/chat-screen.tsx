import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useChatState, useChatStore } from "../hooks/chat-context.js";
import { useDocumentTitle } from "../hooks/use-document-title.js";
import { NARROW, PHONE, useMediaQuery } from "../hooks/use-media-query.js";
import { findRoom, sameName } from "../state/chat-state.js";
import type { TimelineSources } from "../state/timeline.js";
import { Composer } from "./composer.js";
import { ConnectionBanner } from "./connection-banner.js";
import { EmptyRoomState } from "./empty-room-state.js";
import { KeyChangeWarning } from "./key-change-warning.js";
import { LeaveDialog } from "./leave-dialog.js";
import { MemberPanel, type Trust } from "./member-panel.js";
import { MessageList } from "./message-list.js";
import { NoticeToast } from "./notice-toast.js";
import { RoomHeader } from "./room-header.js";
import { RoomSidebar } from "./room-sidebar.js";
import { TypingIndicator } from "./typing-indicator.js";
import { VerifyDialog } from "./verify-dialog.js";

type Panel = "none" | "rooms" | "members";

/**
 * Where focus goes once the screen shows what it is for: the Message field, the Room field,
 * the next thing to do ("next": the Message field if a room is open, else the Room field, or
 * on a phone the empty state's first button), or an element by id.
 */
type FocusTarget = "composer" | "room-field" | "next" | { id: string } | { element: HTMLElement };

/** The chat: rooms on the left, the open room in the middle, its people on the right. */
export function ChatScreen() {
  const store = useChatStore();
  const state = useChatState();
  const [panel, setPanel] = useState<Panel>("none");
  const [verifying, setVerifying] = useState<string | undefined>(undefined);
  const [leaving, setLeaving] = useState<string | undefined>(undefined);
  // Signed in (or reloaded): focus goes where the next action is.
  const [focusTarget, setFocusTarget] = useState<FocusTarget | undefined>("next");
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const joinRef = useRef<HTMLInputElement>(null);
  const emptyRef = useRef<HTMLButtonElement>(null);
  /** What had focus when a panel opened, to give it back when the panel closes. */
  const openerRef = useRef<Element | null>(null);
  const narrow = useMediaQuery(NARROW);
  const phone = useMediaQuery(PHONE);
  const room = findRoom(state, state.activeRoom);
  // A panel is an overlay (dimming, inert page under it) only where the layout hides it otherwise.
  const overlay: Panel = panel === "rooms" && phone ? "rooms" : panel === "members" && narrow && room !== undefined ? "members" : "none";
  const unreadElsewhere = state.rooms.reduce((sum, other) => (other.name === state.activeRoom ? sum : sum + other.unread), 0);
  const totalUnread = state.rooms.reduce((sum, other) => sum + other.unread, 0);
  useDocumentTitle(totalUnread, room?.name);

  const connected = state.connection === "connected";
  const sources: TimelineSources = useMemo(
    () => ({ outbox: state.outbox, receipts: state.receipts, connected }),
    [state.outbox, state.receipts, connected],
  );
  const waiting = state.outbox.filter((entry) => entry.state === "queued" || entry.state === "sending").length;

  // Focus moves once what it goes to is shown: the store's state renders a little later than
  // the action that changed it (and a panel's page is inert until it closes), so this tries
  // again with each render of the state or the panel until it has moved.
  useEffect(() => {
    if (focusTarget === undefined) return;
    const element = focusable(focusTarget, { composer: composerRef.current, roomField: joinRef.current, empty: emptyRef.current });
    if (element === null) return;
    element.focus();
    setFocusTarget(undefined);
  }, [focusTarget, state, overlay]);

  /** Closes the panel; focus goes back to what opened it, unless the person moved on (`then`). */
  const closePanel = useCallback((then?: FocusTarget) => {
    setPanel("none");
    const opener = openerRef.current;
    openerRef.current = null;
    // Once rendered: until then the page under the panel is inert.
    if (then !== undefined) setFocusTarget(then);
    else if (opener instanceof HTMLElement) setFocusTarget({ element: opener });
  }, []);
  const openPanel = (next: "rooms" | "members", then: FocusTarget) => {
    openerRef.current = document.activeElement;
    setPanel(next);
    setFocusTarget(then);
  };
  const openRoom = (name: string) => {
    store.select(name);
    if (overlay === "rooms") closePanel("composer");
    else setFocusTarget("composer");
  };
  const toggle = (next: "rooms" | "members") => {
    if (panel === next) closePanel();
    else openPanel(next, { id: `${next}-close` });
  };
  const chooseRoom = () => {
    // Where the rooms list is always shown, the Room field is right there; on a phone, in its panel.
    if (phone) openPanel("rooms", "room-field");
    else setFocusTarget("room-field");
  };
  const closeOverlay = useCallback(() => {
    closePanel();
  }, [closePanel]);

  useEffect(() => {
    if (overlay === "none") return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") closePanel();
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
    };
  }, [overlay, closePanel]);

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
    <div className={room === undefined ? "chat chat-no-room" : "chat"} data-panel={overlay}>
      <div
        className="panel-rooms"
        id="rooms-panel"
        inert={overlay === "members"}
        {...(overlay === "rooms" ? { role: "dialog", "aria-modal": true, "aria-label": "Rooms" } : {})}
      >
        <RoomSidebar
          state={state}
          onOpen={openRoom}
          joinInputRef={joinRef}
          onJoined={() => {
            if (overlay === "rooms") closePanel("composer");
            else setFocusTarget("composer");
          }}
          onClose={overlay === "rooms" ? closeOverlay : undefined}
        />
      </div>
      {overlay === "none" ? null : <button type="button" className="scrim" aria-label="Close panel" tabIndex={-1} onClick={closeOverlay} />}
      <main className="room" aria-label={room === undefined ? "Pigeon" : `#${room.name}`} inert={overlay !== "none"}>
        <RoomHeader room={room} unreadElsewhere={unreadElsewhere} panel={overlay} onToggle={toggle} onLeave={setLeaving} />
        <ConnectionBanner connection={state.connection} waiting={waiting} />
        {warnings.map((change) => (
          <KeyChangeWarning key={change.name} change={change} onVerify={setVerifying} />
        ))}
        {room === undefined || state.name === undefined ? (
          <EmptyRoomState
            onChooseRoom={chooseRoom}
            onJoined={() => {
              setFocusTarget("composer");
            }}
            firstRef={emptyRef}
          />
        ) : (
          <>
            <MessageList room={room} sources={sources} name={state.name} unaccepted={unaccepted} />
            <TypingIndicator users={typing} />
            <Composer key={room.name} room={room.name} offline={!connected} plain={room.mode === "plain"} inputRef={composerRef} />
          </>
        )}
      </main>
      {room === undefined || state.name === undefined ? null : (
        <div
          className="panel-members"
          inert={overlay === "rooms"}
          {...(overlay === "members" ? { role: "dialog", "aria-modal": true, "aria-label": `People in #${room.name}` } : {})}
        >
          <MemberPanel
            room={room.name}
            members={room.members}
            me={state.name}
            offline={!connected}
            trust={trust}
            onClose={overlay === "members" ? closeOverlay : undefined}
          />
        </div>
      )}
      <NoticeToast notice={state.notice} />
      {leaving === undefined ? null : (
        <LeaveDialog
          room={leaving}
          mode={findRoom(state, leaving)?.mode}
          onLeave={() => store.leave(leaving)}
          onClose={(left) => {
            setLeaving(undefined);
            // Left: on to the next room's Message field (or the Room field); else back to Leave.
            if (left) setFocusTarget("next");
          }}
        />
      )}
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

/** The element `target` names, if it is shown now. */
function focusable(
  target: FocusTarget,
  { composer, roomField, empty }: { composer: HTMLElement | null; roomField: HTMLElement | null; empty: HTMLElement | null },
): HTMLElement | null {
  const shown = (element: HTMLElement | null): HTMLElement | null => (element?.checkVisibility() === true ? element : null);
  if (typeof target === "object") return "element" in target ? (target.element.isConnected ? target.element : null) : shown(document.getElementById(target.id));
  if (target === "composer") return shown(composer);
  if (target === "room-field") return shown(roomField);
  return shown(composer) ?? shown(roomField) ?? shown(empty);
}

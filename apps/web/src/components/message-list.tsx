import { useMemo, useRef } from "react";
import { useArrivalAnnouncer } from "../hooks/use-arrival-announcer.js";
import { useNow } from "../hooks/use-now.js";
import { useTimelineScroll } from "../hooks/use-timeline-scroll.js";
import { formatDay } from "../lib/format-time.js";
import type { Room } from "../state/room.js";
import { timeline, type TimelineSources } from "../state/timeline.js";
import { GapNotice } from "./gap-notice.js";
import { JumpToLatest } from "./jump-to-latest.js";
import { MessageBubble } from "./message-bubble.js";
import { TimelineDivider } from "./timeline-divider.js";

interface MessageListProps {
  room: Room;
  sources: TimelineSources;
  name: string;
  unaccepted: ReadonlySet<string>;
}

/**
 * The open room's timeline. Each room gets its own (a `key`): where it opens, what counts as
 * new and what is announced start over with the room.
 */
export function MessageList(props: MessageListProps) {
  return <RoomTimeline key={props.room.name} {...props} />;
}

function RoomTimeline({ room, sources, name, unaccepted }: MessageListProps) {
  const items = useMemo(() => timeline(room, sources), [room, sources]);
  const scroller = useRef<HTMLDivElement>(null);
  const announcer = useRef<HTMLDivElement>(null);
  const { unseen, jumpToLatest } = useTimelineScroll(scroller, items);
  useArrivalAnnouncer(announcer, items);
  const now = useNow();

  return (
    <div className="timeline-frame">
      {/* Not live: opening a room would read it all out; new arrivals are announced below. */}
      <div ref={scroller} className="message-scroller" role="log" aria-live="off" aria-label={`Messages in #${room.name}`} tabIndex={0}>
        {items.length === 0 ? (
          <p className="timeline-empty">
            No messages in #{room.name} yet. Say hello, {name}: whoever is in the room gets it, and the server deletes it once they all have it.
          </p>
        ) : null}
        <ol className="timeline">
          {items.map((item) => {
            switch (item.kind) {
              case "divider":
                return <TimelineDivider key={item.key} itemKey={item.key} label={item.label} />;
              case "day":
                return <TimelineDivider key={item.key} itemKey={item.key} label={formatDay(item.at, now)} kind="day" />;
              case "gap":
                return <GapNotice key={item.key} gap={item.gap} encrypted={room.mode === "encrypted"} />;
              case "message":
                return (
                  <MessageBubble
                    key={item.key}
                    user={item.message.user}
                    text={item.message.text}
                    at={item.message.sentAt}
                    own={item.message.own}
                    replayed={item.message.replayed}
                    status={item.status}
                    localId={item.localId}
                    continued={item.continued}
                    newKey={item.message.newKey === true && unaccepted.has(item.message.user)}
                    now={now}
                  />
                );
              case "pending":
                return (
                  <MessageBubble
                    key={item.key}
                    user={name}
                    text={item.entry.text}
                    at={item.entry.createdAt}
                    own
                    replayed={false}
                    status={item.status}
                    localId={item.entry.localId}
                    continued={item.continued}
                    now={now}
                  />
                );
            }
          })}
        </ol>
      </div>
      {unseen > 0 ? <JumpToLatest count={unseen} onJump={jumpToLatest} /> : null}
      <div ref={announcer} className="visually-hidden" aria-live="polite" aria-relevant="additions" data-testid="announcements" />
    </div>
  );
}

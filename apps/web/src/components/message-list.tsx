import { useMemo, useRef } from "react";
import { useNow } from "../hooks/use-now.js";
import { useStickToBottom } from "../hooks/use-stick-to-bottom.js";
import type { Room } from "../state/room.js";
import { timeline, type TimelineItem, type TimelineSources } from "../state/timeline.js";
import { GapNotice } from "./gap-notice.js";
import { MessageBubble } from "./message-bubble.js";
import { TimelineDivider } from "./timeline-divider.js";

/** Messages in a row from one sender, within this long, share one name and avatar. */
const GROUP_WINDOW_MS = 5 * 60_000;

function senderOf(item: TimelineItem | undefined): { user: string; at: number } | undefined {
  if (item?.kind === "message") return { user: item.message.own ? "" : item.message.user, at: item.message.sentAt };
  if (item?.kind === "pending") return { user: "", at: item.entry.createdAt };
  return undefined;
}

/** The open room's timeline, kept at its newest line while the person reads the latest. */
export function MessageList({ room, sources, name, unaccepted }: { room: Room; sources: TimelineSources; name: string; unaccepted: ReadonlySet<string> }) {
  const items = useMemo(() => timeline(room, sources), [room, sources]);
  const scroller = useRef<HTMLDivElement>(null);
  useStickToBottom(scroller, items, room.name);
  const now = useNow();

  return (
    <div ref={scroller} className="message-scroller" role="log" aria-live="polite" aria-label={`Messages in #${room.name}`} tabIndex={0}>
      {items.length === 0 ? (
        <p className="timeline-empty">
          No messages in #{room.name} yet. Say hello, {name}: whoever is in the room gets it, and the server deletes it once they all have it.
        </p>
      ) : null}
      <ol className="timeline">
        {items.map((item, index) => {
          switch (item.kind) {
            case "divider":
              return <TimelineDivider key={item.key} label={item.label} />;
            case "gap":
              return <GapNotice key={item.key} gap={item.gap} encrypted={room.mode === "encrypted"} />;
            case "message":
            case "pending": {
              const current = senderOf(item);
              const previous = senderOf(items[index - 1]);
              const continued =
                current !== undefined && previous !== undefined && current.user === previous.user && current.at - previous.at < GROUP_WINDOW_MS;
              return item.kind === "message" ? (
                <MessageBubble
                  key={item.key}
                  user={item.message.user}
                  text={item.message.text}
                  at={item.message.sentAt}
                  own={item.message.own}
                  replayed={item.message.replayed}
                  status={item.status}
                  localId={item.localId}
                  continued={continued}
                  newKey={item.message.newKey === true && unaccepted.has(item.message.user)}
                  now={now}
                />
              ) : (
                <MessageBubble
                  key={item.key}
                  user={name}
                  text={item.entry.text}
                  at={item.entry.createdAt}
                  own
                  replayed={false}
                  status={item.status}
                  localId={item.entry.localId}
                  continued={continued}
                  now={now}
                />
              );
            }
          }
        })}
      </ol>
    </div>
  );
}

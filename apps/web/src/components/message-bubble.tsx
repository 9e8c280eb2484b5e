import { memo, type ReactNode } from "react";
import { isEmojiOnly } from "../lib/emoji.js";
import { formatFullTime, formatTime } from "../lib/format-time.js";
import { statusDetail, type OwnStatus } from "../state/own-status.js";
import { Avatar } from "./avatar.js";
import { MessageStatus } from "./message-status.js";
import { MessageText } from "./message-text.js";
import { useChatStore } from "../hooks/chat-context.js";

interface MessageBubbleProps {
  user: string;
  text: string;
  at: number;
  own: boolean;
  replayed: boolean;
  status: OwnStatus | undefined;
  /** The outbox id, for retrying or discarding a failed message. */
  localId: string | undefined;
  /** The same sender as the line before, in the same minute: the avatar, name and time are not repeated (screen readers still get them). */
  continued: boolean;
  /** Sent with a key the person has not accepted yet (the sender's key changed). */
  newKey?: boolean;
  now: number;
}

/** A button that looks like a link, for the small actions under a message. */
function LinkButton({ onClick, children }: { onClick: () => void; children: ReactNode }) {
  return (
    <button type="button" className="link-button" onClick={onClick}>
      {children}
    </button>
  );
}

/**
 * One message: sender, time, text; own ones on the right with their status. Memoised: a message
 * arriving re-renders the timeline, and only the bubbles whose props changed need to render.
 */
export const MessageBubble = memo(MessageBubbleView, (before, after) => {
  const keys = Object.keys({ ...before, ...after }) as (keyof MessageBubbleProps)[];
  return keys.every((key) =>
    key === "status"
      ? (before.status === undefined ? "" : statusDetail(before.status)) === (after.status === undefined ? "" : statusDetail(after.status))
      : before[key] === after[key],
  );
});

function MessageBubbleView({ user, text, at, own, replayed, status, localId, continued, newKey = false, now }: MessageBubbleProps) {
  const store = useChatStore();
  const classes = [
    "message",
    own ? "message-own" : "message-other",
    continued ? "message-continued" : "",
    replayed ? "message-replayed" : "",
    newKey ? "message-new-key" : "",
    isEmojiOnly(text) ? "message-emoji-only" : "",
  ];
  return (
    <li className={classes.filter((name) => name !== "").join(" ")} data-testid="message">
      {own || continued ? null : <Avatar name={user} />}
      <div className="message-body">
        <p className="message-meta">
          <span className={own ? "visually-hidden" : continued ? "message-user visually-hidden" : "message-user"} dir="auto">
            {own ? "You" : user}
          </span>
          <span className="visually-hidden">, </span>
          <time className={continued ? "message-time visually-hidden" : "message-time"} dateTime={new Date(at).toISOString()} title={formatFullTime(at)}>
            {formatTime(at, now)}
          </time>
          {replayed ? <span className="tag tag-away">while you were away</span> : null}
          {newKey ? (
            <span className="tag tag-new-key" title={`${user}'s key changed and you have not accepted the new one yet`}>
              new key<span className="visually-hidden">, not accepted yet</span>
            </span>
          ) : null}
        </p>
        <MessageText text={text} />
        {status === undefined ? null : (
          <p className="message-footer">
            <MessageStatus status={status} />
            {status.kind === "failed" && localId !== undefined ? (
              <>
                <LinkButton
                  onClick={() => {
                    store.retry(localId);
                  }}
                >
                  Retry
                </LinkButton>
                <LinkButton
                  onClick={() => {
                    store.discard(localId);
                  }}
                >
                  Discard
                </LinkButton>
              </>
            ) : null}
          </p>
        )}
      </div>
    </li>
  );
}

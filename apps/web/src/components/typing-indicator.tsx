import { typingLabel } from "../state/typing.js";

/** Who is typing in the open room; an empty live region otherwise. */
export function TypingIndicator({ users }: { users: readonly string[] }) {
  return (
    <div className="typing" aria-live="polite">
      {users.length === 0 ? null : (
        <p>
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {typingLabel(users)}
        </p>
      )}
    </div>
  );
}

import { MAX_TEXT_LENGTH } from "@pigeon/protocol";
import { useState, type SubmitEvent, type KeyboardEvent, type RefObject } from "react";
import { useChatStore } from "../hooks/chat-context.js";
import { SendIcon } from "./icons.js";

/** Shown once a message gets this close to the limit. */
const COUNTER_FROM = MAX_TEXT_LENGTH - 200;

interface ComposerProps {
  room: string;
  offline: boolean;
  /** The room is plain: say so where the message is written. */
  plain: boolean;
  inputRef: RefObject<HTMLTextAreaElement | null>;
}

/** Writing a message: Enter sends, Shift+Enter starts a new line. Works offline too. */
export function Composer({ room, offline, plain, inputRef }: ComposerProps) {
  const store = useChatStore();
  // One draft per room, so switching rooms keeps what was being written.
  const [drafts, setDrafts] = useState<ReadonlyMap<string, string>>(new Map());
  const text = drafts.get(room) ?? "";
  const setText = (value: string) => {
    setDrafts((previous) => new Map(previous).set(room, value));
  };

  const send = () => {
    if (store.send(text)) setText("");
  };
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    send();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  };

  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor="composer-message" className="visually-hidden">
        Message
      </label>
      <textarea
        id="composer-message"
        ref={inputRef}
        name="message"
        rows={1}
        maxLength={MAX_TEXT_LENGTH}
        placeholder={`Message #${room}${plain ? " (not encrypted)" : ""}${offline ? " (sent when back online)" : ""}`}
        value={text}
        aria-describedby="composer-hint"
        onChange={(event) => {
          setText(event.target.value);
          if (event.target.value !== "") store.typing();
        }}
        onKeyDown={onKeyDown}
      />
      <button type="submit" className="button button-primary send-button" disabled={text.trim() === ""}>
        <SendIcon />
        <span>Send</span>
      </button>
      <p id="composer-hint" className="composer-hint">
        Enter sends, Shift+Enter adds a line.
        {text.length >= COUNTER_FROM ? ` ${MAX_TEXT_LENGTH - text.length} characters left.` : ""}
      </p>
    </form>
  );
}

import { MAX_TEXT_LENGTH } from "@pigeon/protocol";
import { useReducer, useState, type ClipboardEvent, type KeyboardEvent, type RefObject, type SubmitEvent } from "react";
import { useChatStore } from "../hooks/chat-context.js";
import { TOUCH, useMediaQuery } from "../hooks/use-media-query.js";
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

/**
 * Writing a message. With a keyboard, Enter sends and Shift+Enter starts a new line; on a touch
 * screen (no Shift key at hand) Enter starts a new line and the Send button sends, as in
 * Signal's and Element's phone apps (there "Enter sends" is opt-in). Works offline too. What is typed is the
 * room's draft, kept by the store across room switches and reloads; a paste cut at the length
 * limit is said, not done silently.
 */
export function Composer({ room, offline, plain, inputRef }: ComposerProps) {
  const store = useChatStore();
  const touch = useMediaQuery(TOUCH);
  // The draft lives in the store (written as typed); this re-renders the field with it.
  const [, typed] = useReducer((count: number) => count + 1, 0);
  const text = store.draft(room);
  /** How many characters of the last paste did not fit. */
  const [cut, setCut] = useState(0);
  const setText = (value: string) => {
    store.setDraft(room, value);
    typed();
  };

  const send = () => {
    if (store.send(text)) {
      setText("");
      setCut(0);
    }
  };
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    send();
    // Sent with the Send button: the field is where the next message is written.
    inputRef.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing) return;
    // On a touch screen a plain Enter is a new line; Ctrl or Cmd+Enter still sends (a keyboard attached).
    if (touch && !event.ctrlKey && !event.metaKey) return;
    event.preventDefault();
    send();
  };
  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const field = event.currentTarget;
    const pasted = event.clipboardData.getData("text/plain");
    const room = MAX_TEXT_LENGTH - (field.value.length - (field.selectionEnd - field.selectionStart));
    // The field's maxLength keeps what fits; say what did not.
    setCut(Math.max(0, pasted.length - room));
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
          if (event.target.value.length < MAX_TEXT_LENGTH) setCut(0);
          if (event.target.value !== "") store.typing();
        }}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
      />
      <button type="submit" className="button button-primary send-button" disabled={text.trim() === ""}>
        <SendIcon />
        <span>Send</span>
      </button>
      <p id="composer-hint" className="composer-hint">
        <span className="composer-keys">{touch ? "Enter adds a line, Send sends." : "Enter sends, Shift+Enter adds a line."}</span>
        <span role="status" className="composer-cut">
          {cut > 0 ? ` The paste was cut: ${cut} characters didn't fit (a message holds up to ${MAX_TEXT_LENGTH}).` : ""}
        </span>
        {text.length >= COUNTER_FROM ? <span className="composer-counter"> {MAX_TEXT_LENGTH - text.length} characters left.</span> : null}
      </p>
    </form>
  );
}

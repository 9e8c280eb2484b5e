import { Fragment, useId, useMemo, useState } from "react";
import { foldedParts, isFoldable, linkify } from "../lib/linkify.js";

/**
 * A message's text: its own direction (right to left for Arabic or Hebrew), web and mail
 * addresses as links that open elsewhere, and a long one folded to its first lines with a
 * button that opens it. Folded, only those lines are in the page, so neither Tab nor a screen
 * reader meets a link it cannot see. Everything is React text, so markup in a message stays text.
 */
export function MessageText({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const all = useMemo(() => linkify(text), [text]);
  const foldable = isFoldable(text);
  const parts = foldable && !open ? foldedParts(all) : all;
  return (
    <>
      <p id={id} className={foldable && !open ? "message-text message-text-folded" : "message-text"} dir="auto">
        {parts.map((part, index) =>
          part.kind === "link" ? (
            <a key={index} href={part.href} target="_blank" rel="noopener noreferrer">
              {part.text}
            </a>
          ) : (
            <Fragment key={index}>{part.text}</Fragment>
          ),
        )}
      </p>
      {foldable ? (
        <button
          type="button"
          className="link-button message-fold"
          aria-expanded={open}
          aria-controls={id}
          onClick={() => {
            setOpen((was) => !was);
          }}
        >
          {open ? "Show less" : "Show more"}
        </button>
      ) : null}
    </>
  );
}

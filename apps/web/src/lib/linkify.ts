/** A run of a message's text: plain text, or a web or mail address to show as a link. */
export type TextPart = { readonly kind: "text"; readonly text: string } | { readonly kind: "link"; readonly text: string; readonly href: string };

/** The only schemes that become links: anything else (javascript:, data:, file:, …) stays text. */
const LINK_SCHEMES = new Set(["http:", "https:", "mailto:"]);

// A candidate runs from its scheme to the next space or character that cannot be in a typed
// address; what it ends with is trimmed below.
const CANDIDATE = /\b(?:https?:\/\/|mailto:)[^\s<>"'`]+/giu;
const TRAILING = /[.,;:!?*_~]$/u;
const CLOSERS: Readonly<Record<string, string>> = { ")": "(", "]": "[", "}": "{" };

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

// Sentence punctuation after an address is not part of it, nor a closing bracket that opens
// before it ("(see https://example.com)"); one that is balanced inside it is
// ("https://en.wikipedia.org/wiki/Pigeon_(bird)").
function trimEnd(candidate: string): string {
  let text = candidate;
  for (;;) {
    const last = text.at(-1) ?? "";
    const opener = CLOSERS[last];
    if (TRAILING.test(last) || (opener !== undefined && count(text, last) > count(text, opener))) text = text.slice(0, -1);
    else return text;
  }
}

function toHref(text: string): string | undefined {
  if (!URL.canParse(text)) return undefined;
  const url = new URL(text);
  if (!LINK_SCHEMES.has(url.protocol)) return undefined;
  if (url.protocol === "mailto:" ? url.pathname === "" : url.hostname === "") return undefined;
  return url.href;
}

/**
 * Splits a message's text into plain text and links: http, https and mailto addresses only,
 * without the punctuation that ends a sentence around them. The parts join back to the text
 * exactly; rendering them as React text and `<a>` elements keeps everything else escaped.
 *
 * @example
 * linkify("see https://example.com.")
 * // [{ kind: "text", text: "see " }, { kind: "link", text: "https://example.com", href: "https://example.com/" }, { kind: "text", text: "." }]
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let plainFrom = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const address = trimEnd(match[0]);
    const href = toHref(address);
    if (href === undefined || address === "") continue;
    if (match.index > plainFrom) parts.push({ kind: "text", text: text.slice(plainFrom, match.index) });
    parts.push({ kind: "link", text: address, href });
    plainFrom = match.index + address.length;
  }
  if (plainFrom < text.length) parts.push({ kind: "text", text: text.slice(plainFrom) });
  return parts;
}

/** A message longer than this (characters or lines) is folded, with "Show more". */
const FOLD_FROM_CHARS = 700;
const FOLD_FROM_LINES = 12;
/** What a folded message shows: about this many characters, and at most this many lines. */
const FOLDED_CHARS = 300;
const FOLDED_LINES = 8;

/** Whether a message is long enough to be folded. */
export function isFoldable(text: string): boolean {
  return text.length > FOLD_FROM_CHARS || text.split("\n").length > FOLD_FROM_LINES;
}

/**
 * The first lines of a folded message, followed by "…": about {@link FOLDED_CHARS} characters
 * and at most {@link FOLDED_LINES} lines, cut after a word. A link is never cut: one that starts
 * before the cut is kept whole (its address must stay the one written).
 *
 * @example
 * foldedParts(linkify(longText)); // the parts to show until "Show more"
 */
export function foldedParts(parts: readonly TextPart[]): TextPart[] {
  const shown: TextPart[] = [];
  let chars = 0;
  let lines = 1;
  for (const part of parts) {
    if (part.kind === "link") {
      shown.push(part);
      chars += part.text.length;
    } else {
      let text = part.text.slice(0, Math.max(FOLDED_CHARS - chars, 0));
      const breaks = text.split("\n");
      const byLines = lines + breaks.length - 1 > FOLDED_LINES;
      if (byLines) text = breaks.slice(0, FOLDED_LINES - lines + 1).join("\n");
      lines += text.split("\n").length - 1;
      if (text.length < part.text.length) {
        // Cut at a line's end, or else after the last whole word (unless it is all one word).
        const space = byLines ? -1 : text.search(/\s\S*$/u);
        shown.push({ kind: "text", text: `${(space > 0 ? text.slice(0, space) : text).trimEnd()}…` });
        return shown;
      }
      shown.push(part);
      chars += text.length;
    }
    if (chars >= FOLDED_CHARS || lines > FOLDED_LINES) {
      shown.push({ kind: "text", text: "…" });
      return shown;
    }
  }
  return shown;
}

import { memo } from "react";

/** How many avatar colours styles.css defines (`.avatar-0` … `.avatar-7`). */
const AVATAR_COLOURS = 8;

/** A stable colour index for a name, so each person keeps one colour everywhere. */
export function avatarColour(name: string): number {
  let hash = 0;
  for (const char of name.toLocaleLowerCase()) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return hash % AVATAR_COLOURS;
}

/** The first letter of a name (or two, of a name with two words). */
export function initials(name: string): string {
  const words = name.trim().split(/[\s_.'-]+/u).filter((word) => word !== "");
  const letters = words.length > 1 ? [words[0], words[1]] : [words[0]];
  return letters.map((word) => firstCharacter(word ?? "").toLocaleUpperCase()).join("") || "?";
}

// A whole character (an emoji or an accented letter), not half of one.
const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

function firstCharacter(word: string): string {
  for (const { segment } of segmenter.segment(word)) return segment;
  return "";
}

/** A round badge with a person's initials; decorative, since their name is always beside it. */
export const Avatar = memo(function Avatar({ name, online }: { name: string; online?: boolean }) {
  return (
    <span className={`avatar avatar-${avatarColour(name)}`} aria-hidden="true">
      {initials(name)}
      {online === undefined ? null : <span className={`presence ${online ? "presence-online" : "presence-offline"}`} />}
    </span>
  );
});

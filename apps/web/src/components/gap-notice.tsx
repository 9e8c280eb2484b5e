import { gapText } from "../state/gap-text.js";
import type { GapEntry } from "../state/room.js";

/** An expiry notice in the timeline (or messages that could not be decrypted): a gap the person should know about. */
export function GapNotice({ gap, encrypted }: { gap: GapEntry; encrypted: boolean }) {
  return (
    <li className="gap" data-testid="gap">
      <p>{gapText(gap, encrypted)}</p>
    </li>
  );
}

import { gapText } from "../state/gap-text.js";
import type { GapEntry } from "../state/room.js";

/** An expiry notice in the timeline: a gap the person should know about. */
export function GapNotice({ gap }: { gap: GapEntry }) {
  return (
    <li className="gap" data-testid="gap">
      <p>{gapText(gap)}</p>
    </li>
  );
}

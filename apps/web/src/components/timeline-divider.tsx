/**
 * A labelled line across the timeline: "New messages", "While you were away" (`divider`), or
 * the start of a day (`day`). `itemKey` marks it for scrolling to it.
 */
export function TimelineDivider({ label, itemKey, kind = "divider" }: { label: string; itemKey: string; kind?: "divider" | "day" }) {
  return (
    <li className={kind === "day" ? "divider divider-day" : "divider"} data-testid={kind} data-key={itemKey}>
      <span>{label}</span>
    </li>
  );
}

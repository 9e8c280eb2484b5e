/** A labelled line across the timeline ("New messages", "While you were away"). */
export function TimelineDivider({ label }: { label: string }) {
  return (
    <li className="divider" data-testid="divider">
      <span>{label}</span>
    </li>
  );
}

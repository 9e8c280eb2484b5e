import { ArrowDownIcon } from "./icons.js";

/** Shown while the person reads older messages and new ones arrive: how many, and a way down to them. */
export function JumpToLatest({ count, onJump }: { count: number; onJump: () => void }) {
  const arrivals = `${count} new ${count === 1 ? "message" : "messages"}`;
  return (
    <button type="button" className="jump-latest" aria-label={`${arrivals}, jump to latest`} onClick={onJump}>
      <ArrowDownIcon />
      {arrivals}
    </button>
  );
}

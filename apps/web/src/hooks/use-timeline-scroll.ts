import { useCallback, useLayoutEffect, useRef, useState, type RefObject } from "react";
import { NEW_MESSAGES_KEY, type TimelineItem } from "../state/timeline.js";

/** How close to the end (px) still counts as "reading the latest". */
const NEAR_BOTTOM_PX = 80;
/** Room left above the "New messages" line when a room opens at it. */
const ABOVE_DIVIDER_PX = 8;

/** Where the person is in a room's timeline, and the way back to its newest line. */
export interface TimelineScroll {
  /** Messages from others that arrived since the person scrolled up from the newest (0 at the newest). */
  readonly unseen: number;
  /** Scrolls to the newest line and puts focus on the timeline. */
  readonly jumpToLatest: () => void;
}

function latestMessageKey(items: readonly TimelineItem[]): string | undefined {
  return items.findLast((item) => item.kind === "message")?.key;
}

function othersAfter(items: readonly TimelineItem[], key: string | undefined): number {
  const from = key === undefined ? -1 : items.findIndex((item) => item.key === key);
  return items.slice(from + 1).filter((item) => item.kind === "message" && !item.message.own).length;
}

/** The outbox ids of the own messages typed here that the timeline shows. */
function typedHere(items: readonly TimelineItem[]): ReadonlySet<string> {
  return new Set(items.flatMap((item) => (item.kind === "pending" ? [item.entry.localId] : item.kind === "message" && item.localId !== undefined ? [item.localId] : [])));
}

/**
 * Scrolling of one room's timeline (mounted per room). It opens at the "New messages" line when
 * there is one, else at the newest line; it follows new lines while the person is at the newest,
 * and stays put while they read older ones, counting what arrives meanwhile; a message they
 * send brings them to the newest line wherever they were.
 */
export function useTimelineScroll(ref: RefObject<HTMLElement | null>, items: readonly TimelineItem[]): TimelineScroll {
  const [away, setAway] = useState(false);
  const [readTo, setReadTo] = useState<string | undefined>(undefined);
  const atNewest = useRef(true);
  const latest = useRef<string | undefined>(undefined);
  const typed = useRef<ReadonlySet<string> | undefined>(undefined);

  useLayoutEffect(() => {
    const element = ref.current;
    if (element === null) return;
    const onScroll = (): void => {
      const near = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM_PX;
      if (near === atNewest.current) return;
      atNewest.current = near;
      setAway(!near);
      // What is here when the person leaves the newest line is what they have seen.
      if (!near) setReadTo(latest.current);
    };
    element.addEventListener("scroll", onScroll, { passive: true });
    return () => {
      element.removeEventListener("scroll", onScroll);
    };
  }, [ref]);

  useLayoutEffect(() => {
    const element = ref.current;
    if (element === null) return;
    const before = typed.current;
    typed.current = typedHere(items);
    latest.current = latestMessageKey(items);
    if (before === undefined) {
      const divider = element.querySelector(`[data-key="${NEW_MESSAGES_KEY}"]`);
      if (divider === null) element.scrollTop = element.scrollHeight;
      else element.scrollTop += divider.getBoundingClientRect().top - element.getBoundingClientRect().top - ABOVE_DIVIDER_PX;
      // Whether that is the newest line is for the scroll handler to say, even where the
      // position did not change (and the browser fires no scroll event).
      element.dispatchEvent(new Event("scroll"));
      return;
    }
    const sentHere = [...typed.current].some((id) => !before.has(id));
    if (sentHere || atNewest.current) element.scrollTop = element.scrollHeight;
  }, [ref, items]);

  const jumpToLatest = useCallback(() => {
    const element = ref.current;
    if (element === null) return;
    element.scrollTop = element.scrollHeight;
    // The button goes away with the count: focus stays in the timeline rather than on nothing.
    element.focus({ preventScroll: true });
  }, [ref]);

  return { unseen: away ? othersAfter(items, readTo) : 0, jumpToLatest };
}

import { useLayoutEffect, useRef, type RefObject } from "react";

/** How close to the end (px) still counts as "reading the latest". */
const NEAR_BOTTOM_PX = 80;

/**
 * Keeps a scrolling log at its newest line when new lines arrive, unless the person scrolled
 * up to read older ones. Opening another room (a new `resetKey`) jumps to its end.
 */
export function useStickToBottom(ref: RefObject<HTMLElement | null>, contentKey: unknown, resetKey: string): void {
  const stuck = useRef(true);
  const lastReset = useRef(resetKey);

  useLayoutEffect(() => {
    const element = ref.current;
    if (element === null) return;
    const onScroll = (): void => {
      stuck.current = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM_PX;
    };
    element.addEventListener("scroll", onScroll, { passive: true });
    return () => {
      element.removeEventListener("scroll", onScroll);
    };
  }, [ref]);

  useLayoutEffect(() => {
    const element = ref.current;
    if (element === null) return;
    if (lastReset.current !== resetKey) {
      lastReset.current = resetKey;
      stuck.current = true;
    }
    if (stuck.current) element.scrollTop = element.scrollHeight;
  }, [ref, contentKey, resetKey]);
}

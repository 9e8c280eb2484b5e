import { useCallback, useSyncExternalStore } from "react";

/** Where the member list becomes an overlay (styles.css's first breakpoint). */
export const NARROW = "(max-width: 1100px)";
/** Where the rooms list becomes an overlay too (styles.css's phone breakpoint). */
export const PHONE = "(max-width: 720px)";
/** A touch screen is the main pointer: no Shift key at hand, Enter is for new lines. */
export const TOUCH = "(pointer: coarse)";

/**
 * Whether the media query matches now; the component renders again when that changes.
 *
 * @example
 * const phone = useMediaQuery(PHONE);
 */
export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (changed: () => void) => {
      const list = window.matchMedia(query);
      list.addEventListener("change", changed);
      return () => {
        list.removeEventListener("change", changed);
      };
    },
    [query],
  );
  return useSyncExternalStore(subscribe, () => window.matchMedia(query).matches);
}

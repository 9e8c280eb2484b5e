import { useEffect } from "react";
import { useChatStore } from "./chat-context.js";

/** Tells the store when the page is shown or hidden, so messages read while hidden count as unread. */
export function usePageVisibility(): void {
  const store = useChatStore();
  useEffect(() => {
    const update = (): void => {
      store.setPageVisible(document.visibilityState === "visible");
    };
    update();
    document.addEventListener("visibilitychange", update);
    return () => {
      document.removeEventListener("visibilitychange", update);
    };
  }, [store]);
}

import { useEffect } from "react";
import { useChatStore } from "../hooks/chat-context.js";
import type { Notice } from "../state/chat-state.js";
import { CloseIcon } from "./icons.js";

/** How long a notice stays before it goes by itself. */
const NOTICE_SHOWN_MS = 8_000;

/** The latest error or note, until dismissed or replaced. */
export function NoticeToast({ notice }: { notice: Notice | undefined }) {
  const store = useChatStore();
  useEffect(() => {
    if (notice === undefined) return;
    const timer = setTimeout(() => {
      store.dismissNotice(notice.id);
    }, NOTICE_SHOWN_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [notice, store]);

  return (
    <div className="toast-slot" role="alert">
      {notice === undefined ? null : (
        <div className={`toast toast-${notice.tone}`}>
          <p>{notice.text}</p>
          <button
            type="button"
            className="icon-button"
            onClick={() => {
              store.dismissNotice(notice.id);
            }}
          >
            <CloseIcon />
            <span className="visually-hidden">Dismiss</span>
          </button>
        </div>
      )}
    </div>
  );
}

import { useEffect } from "react";

/** Shows the unread count in the tab's title: "(3) #lobby · Pigeon". */
export function useDocumentTitle(unread: number, room: string | undefined): void {
  useEffect(() => {
    const base = room === undefined ? "Pigeon" : `#${room} · Pigeon`;
    document.title = unread > 0 ? `(${unread}) ${base}` : base;
  }, [unread, room]);
}

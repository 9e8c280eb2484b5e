import { useEffect, useRef, type RefObject } from "react";
import type { TimelineItem } from "../state/timeline.js";

/** More new messages than this at once are announced as a count, not read out one by one. */
const READ_OUT_AT_MOST = 3;
/** A long message is announced up to this many characters. */
const ANNOUNCED_CHARS = 280;
/** Announcements kept in the region (older ones are removed, which is not announced). */
const KEPT = 10;

function shortened(text: string): string {
  return text.length > ANNOUNCED_CHARS ? `${text.slice(0, ANNOUNCED_CHARS)}…` : text;
}

function announcement(item: Extract<TimelineItem, { kind: "message" }>): string {
  return `${item.message.user}: ${shortened(item.message.text)}`;
}

/** Own messages typed here that the server refused, by outbox id, with their text. */
function refused(items: readonly TimelineItem[]): ReadonlyMap<string, string> {
  return new Map(
    items.flatMap((item) => {
      if (item.kind === "pending") return item.status?.kind === "failed" ? [[item.entry.localId, item.entry.text] as const] : [];
      return item.kind === "message" && item.status?.kind === "failed" && item.localId !== undefined ? [[item.localId, item.message.text] as const] : [];
    }),
  );
}

/**
 * Announces others' new messages in the open room, once each, through `region` (a polite live
 * region that React leaves empty): not what the room had when it was opened, not history put
 * before it, not the person's own messages nor their statuses, except that one was not sent.
 * The timeline itself is not a live region, so that opening a room does not read it all out.
 */
export function useArrivalAnnouncer(region: RefObject<HTMLElement | null>, items: readonly TimelineItem[]): void {
  const known = useRef<ReadonlySet<string> | undefined>(undefined);
  const knownRefused = useRef<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    const messages = items.filter((item) => item.kind === "message");
    const before = known.current;
    known.current = new Set(messages.map((item) => item.key));
    const refusedBefore = knownRefused.current;
    knownRefused.current = refused(items);
    const element = region.current;
    if (before === undefined || element === null) return;
    const lastKnown = messages.findLastIndex((item) => before.has(item.key));
    const fresh = messages.slice(lastKnown + 1).filter((item) => !item.message.own && !before.has(item.key));
    const lines = fresh.length <= READ_OUT_AT_MOST ? fresh.map(announcement) : [`${fresh.length} new messages`];
    for (const [id, text] of knownRefused.current) if (!refusedBefore.has(id)) lines.push(`Not sent: ${shortened(text)}`);
    for (const line of lines) {
      const paragraph = document.createElement("p");
      paragraph.textContent = line;
      element.append(paragraph);
    }
    while (element.childElementCount > KEPT) element.firstElementChild?.remove();
  }, [region, items]);
}

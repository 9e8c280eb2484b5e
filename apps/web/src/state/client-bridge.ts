import type { ConnectionState, KeyChangeNotice, PigeonClient } from "@pigeon/client";
import { sameName, withGap, withMembers, withMessage, withReceipts, withRestart, withUndecryptable, type ChatState } from "./chat-state.js";
import { nextTypingExpiry, noteTyping } from "./typing.js";

/** What the bridge reads and changes in its store. */
export interface BridgeHost {
  get(): ChatState;
  set(state: ChatState): void;
  /** The connection went up or down (the store reconnects, rejoins, wakes its outbox). */
  connectionChanged(connection: ConnectionState): void;
  /** Something the person should read. */
  notify(tone: "error" | "info", text: string): void;
  /**
   * Someone's key may have changed (a group's members changed), or did (`notice`): the store
   * checks keys against pins and verified marks again.
   */
  keysChanged(notice?: KeyChangeNotice): void;
  now(): number;
}

/**
 * Turns one SDK client's events into state with the pure reducers of chat-state.ts, and
 * re-renders typing notices as they run out. Returns a function that stops it all.
 *
 * @example
 * const stop = bridgeClient(client, host);
 */
export function bridgeClient(client: PigeonClient, host: BridgeHost): () => void {
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  const scheduleTypingExpiry = (): void => {
    clearTimeout(typingTimer);
    const next = nextTypingExpiry(host.get().typing, host.now());
    if (next === undefined) return;
    typingTimer = setTimeout(() => {
      // A new object, so that the UI asks typingIn() again.
      host.set({ ...host.get(), typing: new Map(host.get().typing) });
      scheduleTypingExpiry();
    }, next - host.now() + 50);
  };
  const stops = [
    client.on("state", (connection) => {
      host.connectionChanged(connection);
    }),
    client.on("hello", ({ retention }) => {
      host.set({ ...host.get(), retention });
    }),
    client.on("message", (message) => {
      host.set(withMessage(host.get(), message));
    }),
    client.on("expired", (notice) => {
      host.set(withGap(host.get(), notice));
    }),
    client.on("restarted", (notice) => {
      host.set(withRestart(host.get(), notice));
    }),
    client.on("receipts", ({ receipts }) => {
      host.set(withReceipts(host.get(), receipts));
    }),
    client.on("members", ({ room, members }) => {
      host.set(withMembers(host.get(), room, members));
    }),
    client.on("undecryptable", (notice) => {
      host.set(withUndecryptable(host.get(), notice));
    }),
    client.on("group", () => {
      host.keysChanged();
    }),
    client.on("keyChanged", (notice) => {
      host.keysChanged(notice);
    }),
    client.on("error", ({ event, message }) => {
      host.notify("error", `The server refused ${event}: ${message}`);
    }),
    client.on("storage", ({ room, saved, code }) => {
      host.notify(saved ? "info" : "error", storageText(room, saved, code));
    }),
    client.on("typing", ({ room, user }) => {
      if (sameName(user, host.get().name)) return;
      host.set({ ...host.get(), typing: noteTyping(host.get().typing, room, user, host.now()) });
      scheduleTypingExpiry();
    }),
  ];
  return () => {
    clearTimeout(typingTimer);
    for (const stop of stops) stop();
  };
}

/** What the person reads when this browser cannot save an encrypted room (its storage full), and when it can again. */
function storageText(room: string, saved: boolean, code: string | undefined): string {
  if (saved) return `#${room} is saved in this browser again.`;
  const why = code === "QuotaExceededError" ? "its storage for this site is full" : `it said ${code ?? "no more"}`;
  return `This browser could not save #${room}: ${why}. New messages are shown, and the server keeps them until it can.`;
}

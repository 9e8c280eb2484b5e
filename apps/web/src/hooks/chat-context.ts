import { createContext, useContext, useSyncExternalStore } from "react";
import type { ChatState } from "../state/chat-state.js";
import type { ChatStore } from "../state/chat-store.js";

/** The store the components read and act on. */
export const ChatContext = createContext<ChatStore | undefined>(undefined);

/** The chat store of the surrounding {@link ChatContext}. */
export function useChatStore(): ChatStore {
  const store = useContext(ChatContext);
  if (store === undefined) throw new Error("useChatStore needs a ChatContext provider");
  return store;
}

/** The current chat state; the component re-renders when it changes. */
export function useChatState(): ChatState {
  const store = useChatStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

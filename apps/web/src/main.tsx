import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./components/app.js";
import { ChatContext } from "./hooks/chat-context.js";
import { openStorage } from "./storage/open-storage.js";
import { serverUrl } from "./lib/server-url.js";
import { ChatStore } from "./state/chat-store.js";
import { localPlaceMemory } from "./state/place-memory.js";
import { localProfileMemory } from "./state/profile-memory.js";
import { soleTabLock, webTabLock } from "./state/tab-lock.js";
import "./styles.css";

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root");

const { keys, history, outbox, vault, persistent } = await openStorage();
const url = serverUrl(new URL(window.location.href));
const store = new ChatStore({
  url,
  otherServer: url !== window.location.origin,
  keyStore: keys,
  history,
  outboxStore: outbox,
  vault,
  memory: localProfileMemory(persistent ? window.localStorage : undefined),
  places: localPlaceMemory(persistent ? window.localStorage : undefined),
  // One tab at a time per profile: its encrypted rooms' state is stored once, by one writer.
  // Without storage that outlives the tab (or Web Locks), each tab is on its own anyway.
  tabLock: persistent && "locks" in navigator ? webTabLock(navigator.locks, new BroadcastChannel("pigeon-tabs")) : soleTabLock(),
});
// Keep what arrived (and what was typed) in the last moments before the tab goes away.
window.addEventListener("pagehide", () => {
  store.flush();
});

createRoot(root).render(
  <StrictMode>
    <ChatContext value={store}>
      <App />
    </ChatContext>
  </StrictMode>,
);
void store.start();

import type { ConnectionState } from "@pigeon/client";
import { useChatStore } from "../hooks/chat-context.js";
import { OfflineIcon } from "./icons.js";

/** Says so while the connection is down, and that typed messages wait for it. */
export function ConnectionBanner({ connection, waiting }: { connection: ConnectionState; waiting: number }) {
  const store = useChatStore();
  const down = connection !== "connected";
  const queued = waiting === 0 ? "" : ` ${waiting} ${waiting === 1 ? "message waits" : "messages wait"} to be sent.`;
  return (
    <div className="banner-slot" role="status">
      {down ? (
        <div className="banner banner-offline">
          <OfflineIcon />
          <p>
            <strong>{connection === "disconnected" ? "Disconnected." : "Offline, reconnecting…"}</strong> Keep typing: messages go out
            when the connection is back.{queued}
          </p>
          {connection === "disconnected" ? (
            <button
              type="button"
              className="button button-secondary"
              onClick={() => {
                store.reconnect();
              }}
            >
              Reconnect now
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

import { useChatStore } from "../hooks/chat-context.js";
import { Avatar } from "./avatar.js";

/** Who is signed in, and the way out. */
export function AccountCard({ name, online }: { name: string; online: boolean }) {
  const store = useChatStore();
  return (
    <div className="account">
      <Avatar name={name} online={online} />
      <div className="account-text">
        <span className="account-name">{name}</span>
        <span className="account-state">{online ? "Online" : "Offline"}</span>
      </div>
      <button
        type="button"
        className="button button-dark-quiet"
        onClick={() => {
          void store.signOut();
        }}
      >
        Sign out
      </button>
    </div>
  );
}

import { useChatState, useChatStore } from "../hooks/chat-context.js";
import { BrandMark } from "./brand-mark.js";

/**
 * The name is in use in another tab of this browser: one tab at a time keeps a profile's
 * encrypted rooms, so this one waits until the person moves the chat here.
 */
export function ElsewhereScreen() {
  const store = useChatStore();
  const { name } = useChatState();
  return (
    <main className="sign-in">
      <div className="sign-in-card" data-testid="elsewhere">
        <h1 className="sign-in-title">
          <BrandMark />
        </h1>
        <h2 className="elsewhere-title">Pigeon is open in another tab</h2>
        <p>
          {name ?? "This name"} is signed in in another tab or window of this browser. One tab at a time keeps your encrypted rooms, so that they
          never get out of step.
        </p>
        <div className="elsewhere-actions">
          <button type="button" className="button button-primary" autoFocus onClick={() => void store.useHere()}>
            Use Pigeon in this tab
          </button>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              store.chooseAnotherName();
            }}
          >
            Sign in with another name
          </button>
        </div>
      </div>
    </main>
  );
}

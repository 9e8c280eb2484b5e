import { useChatStore } from "../hooks/chat-context.js";
import type { KeyChange } from "../state/chat-state.js";
import { AlertIcon } from "./icons.js";

/**
 * A name's key changed: a warning in the room that can't be missed, saying who, what it may
 * mean, and what to do. It stays until the person accepts the new key (or verifies it).
 */
export function KeyChangeWarning({ change, onVerify }: { change: KeyChange; onVerify: (name: string) => void }) {
  const store = useChatStore();
  const { name } = change;
  return (
    <section className="key-warning" role="alert" aria-label={`${name}'s key changed`} data-testid="key-warning">
      <h2>
        <AlertIcon /> {name}&apos;s key changed
      </h2>
      <p>
        {name} is using a different key from the one this browser knew
        {change.wasVerified ? ", the one you had verified" : ""}. That happens when {name} signs in from a new browser or device, or cleared
        theirs, but also when someone else now has the name {name}. Messages from the new key are marked <strong>new key</strong> until you
        accept it.
      </p>
      <p>
        <strong>What to do:</strong> ask {name} in person or on a call whether they changed browsers, and compare safety numbers. Accept the new
        key only if it is them.
      </p>
      <div className="key-warning-actions">
        <button
          type="button"
          className="button button-secondary"
          onClick={() => {
            onVerify(name);
          }}
        >
          Compare safety numbers<span className="visually-hidden"> with {name}</span>
        </button>
        <button type="button" className="button button-quiet" onClick={() => void store.acceptKey(name)}>
          Accept new key<span className="visually-hidden"> of {name}</span>
        </button>
      </div>
    </section>
  );
}

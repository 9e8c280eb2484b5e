import { MAX_NAME_LENGTH } from "@pigeon/protocol";
import { useId, useState, type SubmitEvent } from "react";
import { useChatState, useChatStore } from "../hooks/chat-context.js";
import { BrandMark } from "./brand-mark.js";
import { NameInput } from "./name-input.js";
import { RetentionNote } from "./retention-note.js";

/** Picking a name: a key pair for it is made on first use and kept in this browser. */
export function SignInScreen() {
  const store = useChatStore();
  const { phase, name: signingInAs, savedNames, signInError, retention } = useChatState();
  const [name, setName] = useState(() => savedNames[0] ?? "");
  const hintId = useId();
  const errorId = useId();
  const busy = phase === "signing-in";

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    void store.signIn(name);
  };

  return (
    <main className="sign-in">
      <div className="sign-in-card">
        <h1 className="sign-in-title">
          <BrandMark />
        </h1>
        <p className="sign-in-tagline">Chat that forgets. The server keeps a message only until everyone in the room has it.</p>
        <form className="sign-in-form" onSubmit={submit} noValidate>
          <label htmlFor="sign-in-name">Name</label>
          <NameInput
            id="sign-in-name"
            name="name"
            autoComplete="username"
            maxLength={MAX_NAME_LENGTH}
            value={name}
            onValueChange={setName}
            aria-describedby={signInError === undefined ? hintId : `${errorId} ${hintId}`}
            aria-invalid={signInError !== undefined}
            required
            autoFocus
          />
          <p id={hintId} className="hint">
            Letters, digits, spaces and _ . &apos; - (up to {MAX_NAME_LENGTH}). A key for this name is made and kept in this browser: no
            password, no account.
          </p>
          {signInError === undefined ? null : (
            <p id={errorId} className="form-error" role="alert">
              {signInError}
            </p>
          )}
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? `Signing in as ${signingInAs ?? name}…` : "Start chatting"}
          </button>
        </form>
        {savedNames.length === 0 ? null : (
          <section className="saved-names" aria-labelledby="saved-names-title">
            <h2 id="saved-names-title">Keys in this browser</h2>
            <ul>
              {savedNames.map((saved) => (
                <li key={saved}>
                  <button
                    type="button"
                    className="button button-quiet"
                    disabled={busy}
                    onClick={() => {
                      setName(saved);
                      void store.signIn(saved);
                    }}
                  >
                    Continue as {saved}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
        <RetentionNote retention={retention} />
      </div>
    </main>
  );
}

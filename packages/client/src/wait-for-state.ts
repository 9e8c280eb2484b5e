import { PigeonError } from "./errors.js";
import type { ConnectionState } from "./options.js";

/** The part of a client that {@link waitForState} watches. */
export interface StateSource {
  readonly state: ConnectionState;
  on(event: "state", listener: (state: ConnectionState) => void): () => void;
}

/**
 * Resolves once `source` reaches `target`. Rejects with `DISCONNECTED` if it falls to
 * `disconnected` first (unless that is the target), or `TIMEOUT` after `timeoutMs`.
 *
 * @example
 * await waitForState(client, "connected", 5_000);
 */
export function waitForState(source: StateSource, target: ConnectionState, timeoutMs: number): Promise<void> {
  if (source.state === target) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new PigeonError("TIMEOUT", `not ${target} within ${timeoutMs} ms`));
    }, timeoutMs);
    const stop = source.on("state", (state) => {
      if (state === target) {
        clearTimeout(timer);
        stop();
        resolve();
      } else if (state === "disconnected") {
        clearTimeout(timer);
        stop();
        reject(new PigeonError("DISCONNECTED", "the connection was closed"));
      }
    });
  });
}

import type { ClientEventMap, PigeonClient } from "@pigeon/client";
import { describe, expect, it } from "vitest";
import { initialState, type ChatState } from "./chat-state.js";
import { bridgeClient } from "./client-bridge.js";

/** The part of a client the bridge listens to, with a way to emit what the SDK would. */
function fakeClient() {
  const listeners = new Map<string, (payload: never) => void>();
  const client = {
    on(event: string, listener: (payload: never) => void) {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
  };
  const emit = <E extends keyof ClientEventMap>(event: E, payload: ClientEventMap[E]) => {
    (listeners.get(event) as ((payload: ClientEventMap[E]) => void) | undefined)?.(payload);
  };
  return { client: client as unknown as PigeonClient, emit, listening: () => listeners.size };
}

describe("the client bridge", () => {
  it("tells the person when this browser cannot save an encrypted room, and when it can again", () => {
    const { client, emit, listening } = fakeClient();
    let state: ChatState = initialState();
    const notices: [string, string][] = [];
    const stop = bridgeClient(client, {
      get: () => state,
      set: (next) => {
        state = next;
      },
      connectionChanged: () => undefined,
      notify: (tone, text) => notices.push([tone, text]),
      keysChanged: () => undefined,
      now: () => 0,
    });
    emit("storage", { room: "garden", saved: false, code: "QuotaExceededError" });
    emit("storage", { room: "garden", saved: true });
    expect(notices).toEqual([
      ["error", "This browser could not save #garden: its storage for this site is full. New messages are shown, and the server keeps them until it can."],
      ["info", "#garden is saved in this browser again."],
    ]);
    stop();
    expect(listening()).toBe(0);
  });
});

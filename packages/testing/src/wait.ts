import type { ClientEventMap, PigeonClient } from "@pigeon/client";
import type { ServerToClientEvents } from "@pigeon/protocol";
import type { Socket } from "socket.io-client";
import { vi } from "vitest";

const EVENT_LIMIT_MS = 10_000;
const POLL_LIMIT_MS = 30_000;
const POLL_INTERVAL_MS = 20;

/** A raw socket.io client as the relay's own tests use it. */
type RawSocket = Socket<ServerToClientEvents, never>;
/** What the SDK hands the app for `event`. */
type ClientPayload<E extends keyof ClientEventMap> = ClientEventMap[E];
/** What the relay sends a raw socket for `event`. */
type SocketPayload<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>[0];

/**
 * A promise and the function that settles it, for work that waits on the test.
 *
 * @example
 * const stored = gate();
 * queue.push(async () => { await stored.promise; });
 * stored.open(); // the task goes on
 */
export function gate(): { readonly promise: Promise<void>; readonly open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Listens to `event` on an SDK client or a raw socket; returns how to stop. */
function listen(source: PigeonClient | RawSocket, event: string, listener: (payload: never) => void): () => void {
  if ("join" in source) return source.on(event as keyof ClientEventMap, listener as never);
  const socket = source as unknown as { on(event: string, fn: unknown): void; off(event: string, fn: unknown): void };
  socket.on(event, listener);
  return () => {
    socket.off(event, listener);
  };
}

/**
 * Resolves with the next `event` that `accept` takes, from an SDK client or a raw socket.io
 * socket. Rejects after `limitMs` (10 s), so a missing event fails the test instead of hanging
 * it. Call it before the action that causes the event.
 *
 * @example
 * const offline = nextEvent(alice, "memberChanges", (e) => e.changes.some((m) => m.name === "bob" && !m.online));
 */
export function nextEvent<E extends keyof ClientEventMap>(
  source: PigeonClient,
  event: E,
  accept?: (payload: ClientPayload<E>) => boolean,
  limitMs?: number,
): Promise<ClientPayload<E>>;
export function nextEvent<E extends keyof ServerToClientEvents>(
  source: RawSocket,
  event: E,
  accept?: (payload: SocketPayload<E>) => boolean,
  limitMs?: number,
): Promise<SocketPayload<E>>;
export function nextEvent(
  source: PigeonClient | RawSocket,
  event: string,
  accept: (payload: never) => boolean = () => true,
  limitMs = EVENT_LIMIT_MS,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no matching "${event}" event within ${limitMs} ms`));
    }, limitMs);
    const stop = listen(source, event, (payload) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      stop();
      resolve(payload);
    });
  });
}

/**
 * Every `event` from now on, in arrival order, for assertions after the fact.
 *
 * @example
 * const messages = record(bob, "message");
 */
export function record<E extends keyof ClientEventMap>(source: PigeonClient, event: E): ClientPayload<E>[];
export function record<E extends keyof ServerToClientEvents>(source: RawSocket, event: E): SocketPayload<E>[];
export function record(source: PigeonClient | RawSocket, event: string): unknown[] {
  const seen: unknown[] = [];
  listen(source, event, (payload) => seen.push(payload));
  return seen;
}

/**
 * Resolves once `condition` holds, polling with `vi.waitFor`; rejects after `limitMs` (30 s)
 * with `describe()` in the message. For state with no event to wait on (a store, a process).
 *
 * @example
 * await waitUntil(() => store.healthy(), () => "the store reconnects");
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  describe: string | (() => string | Promise<string>),
  limitMs = POLL_LIMIT_MS,
): Promise<void> {
  await vi.waitFor(
    async () => {
      if (await condition()) return;
      throw new Error(`not within ${limitMs} ms: ${typeof describe === "string" ? describe : await describe()}`);
    },
    { timeout: limitMs, interval: POLL_INTERVAL_MS },
  );
}

/**
 * Runs `operation` and tells how it settled and after how long, for tests that log timings
 * (never assert them: speed is the benchmark's to check).
 *
 * @example
 * const { result, ms } = await settledTimed(() => store.append("lobby", entry));
 */
export async function settledTimed(operation: () => Promise<unknown>): Promise<{ result: PromiseSettledResult<unknown>; ms: number }> {
  const started = performance.now();
  const [result] = await Promise.allSettled([operation()]);
  return { result, ms: Math.round(performance.now() - started) };
}

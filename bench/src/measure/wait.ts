import { setTimeout as sleep } from "node:timers/promises";

const POLL_MS = 5;

/**
 * Polls `done` every few milliseconds until it holds or `timeoutMs` passes. Bounded: resolves
 * false on timeout rather than waiting forever.
 *
 * @example
 * const complete = await waitUntil(() => received >= expected, 5_000);
 */
export async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}

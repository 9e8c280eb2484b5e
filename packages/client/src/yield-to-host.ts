/** `scheduler.yield()`, where the host has it (Chromium 129+, Firefox 142+): the way back is ahead of other tasks. */
interface YieldingScheduler {
  yield(): Promise<void>;
}

type Immediate = (callback: () => void) => unknown;

/** The part of a `MessageChannel` used here, as browsers and Node (worker_threads) both have it. */
interface Channel {
  readonly port1: { onmessage: (() => void) | null; close(): void };
  readonly port2: { postMessage(message: unknown): void };
}

/**
 * Resolves in a later task, after the host has had its turn: a page renders and answers input,
 * a process does its I/O. Long async work with no real waits in it (WebCrypto resolves its
 * promises without leaving the task, so decrypting a backlog is one chain of microtasks) calls
 * this every few milliseconds so that it never holds the thread for long. Prefers
 * `scheduler.yield()`, then Node's `setImmediate`, then a `MessageChannel` message; never
 * `setTimeout`, which browsers clamp to 4 ms once nested.
 *
 * @example
 * if (performance.now() - sliceStart > SLICE_MS) await yieldToHost();
 */
export function yieldToHost(): Promise<void> {
  const scheduler = Reflect.get(globalThis, "scheduler") as Partial<YieldingScheduler> | undefined;
  if (typeof scheduler?.yield === "function") return scheduler.yield();
  const immediate = Reflect.get(globalThis, "setImmediate") as Immediate | undefined;
  if (typeof immediate === "function") return new Promise((resolve) => immediate(resolve));
  return new Promise((resolve) => {
    // Node's typings have no `onmessage` on a MessagePort (its ports are emitters there); only
    // browsers without scheduler.yield get this far.
    const channel = new MessageChannel() as unknown as Channel;
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

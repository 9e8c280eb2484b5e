// Group commit for Redis: what arrives for one key (a room, a rate limit's key) within one turn
// of the event loop goes to Redis as one call. Under load a room's messages arrive together (a
// sender with several under way, a busy room), and each call has a cost that does not depend
// on what it carries: the call itself, a script's setup, INFO to check a room's incarnation,
// a room's fourteen key names, and in the relay one ioredis command and its promise. The
// Redis store batches each room's appends and acks (../redis-store.ts), the limits each key's
// message checks (../../limits/limits.ts). The bench README has what it saved.

/** How one batched item ends: its own reply, or the batch's error. */
interface Waiting<Reply> {
  readonly resolve: (reply: Reply) => void;
  readonly reject: (error: unknown) => void;
}

interface Batch<Item, Reply> {
  readonly items: Item[];
  readonly waiting: Waiting<Reply>[];
}

/**
 * Gathers items per key until the current turn of the event loop ends (`setImmediate`), then
 * sends each key's, in the order they came, through `send` (at most `maxBatch` per call; a
 * key's calls go out in order, and Redis runs one connection's commands in order). Every
 * `add` gets the reply for its own item, or the error of its batch's call.
 *
 * @example
 * const appends = new TurnBatches((room, items) => sendAppends(room, items), 100);
 * const reply = await appends.add("lobby", entry);
 */
export class TurnBatches<Item, Reply> {
  readonly #send: (key: string, items: readonly Item[]) => Promise<readonly Reply[]>;
  readonly #maxBatch: number;
  #pending = new Map<string, Batch<Item, Reply>>();
  #scheduled = false;

  constructor(send: (key: string, items: readonly Item[]) => Promise<readonly Reply[]>, maxBatch: number) {
    this.#send = send;
    this.#maxBatch = maxBatch;
  }

  /** Adds an item to its key's batch; resolves with its reply once the batch is answered. */
  add(key: string, item: Item): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      let batch = this.#pending.get(key);
      if (batch === undefined) {
        batch = { items: [], waiting: [] };
        this.#pending.set(key, batch);
      }
      batch.items.push(item);
      batch.waiting.push({ resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => {
          void this.flush();
        });
      }
    });
  }

  /**
   * Sends everything gathered so far at once (the end of a turn, or the store closing);
   * resolves once every call it made is answered or failed.
   */
  flush(): Promise<void> {
    this.#scheduled = false;
    const pending = this.#pending;
    if (pending.size === 0) return Promise.resolve();
    this.#pending = new Map();
    const calls: Promise<void>[] = [];
    for (const [key, { items, waiting }] of pending) {
      for (let start = 0; start < items.length; start += this.#maxBatch) {
        calls.push(this.#sendChunk(key, items.slice(start, start + this.#maxBatch), waiting.slice(start, start + this.#maxBatch)));
      }
    }
    return Promise.all(calls).then(() => undefined);
  }

  #sendChunk(key: string, items: readonly Item[], waiting: readonly Waiting<Reply>[]): Promise<void> {
    let sent: Promise<readonly Reply[]>;
    try {
      sent = this.#send(key, items);
    } catch (error) {
      for (const { reject } of waiting) reject(error);
      return Promise.resolve();
    }
    return sent.then(
      (replies) => {
        if (replies.length !== waiting.length) {
          const error = new Error(`unexpected Redis reply: expected ${String(waiting.length)} replies, got ${String(replies.length)}`);
          for (const { reject } of waiting) reject(error);
          return;
        }
        for (const [index, { resolve }] of waiting.entries()) resolve(replies[index] as Reply);
      },
      (error: unknown) => {
        for (const { reject } of waiting) reject(error);
      },
    );
  }
}

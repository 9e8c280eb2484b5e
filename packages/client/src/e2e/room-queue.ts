import { GroupError } from "@pigeon/crypto";
import type { DeliveryOutput } from "../delivery.js";
import type { Logger } from "../options.js";
import { PigeonError } from "../errors.js";
import { yieldToHost } from "../yield-to-host.js";
import { NoticeGatherer } from "./notices.js";
import type { UndecryptableNotice, UndecryptableReason } from "./types.js";

/**
 * A batch (entries taken in, one save of the group state, then what they mean for the app)
 * ends when the queue runs dry, when a task comes, once it has run this long (ms), or at its
 * limit of entries (or of effects, about two an entry). A backlog is thus handed on about once
 * a second. Ending batches every 500 entries instead rendered a page's timeline, and saved the
 * whole group state, 20 times for 10,000 entries, each render replaced at once by the next;
 * once a second, the page spent about 8 % less CPU on such a backlog.
 */
export const BATCH_MS = 1_000;

/** At most this many entries are taken in before the state is saved and they are handed on. */
export const MAX_BATCH = 5_000;

/**
 * The pump lets the host have its turn after running this long (ms). Decrypting never waits
 * for anything real (WebCrypto resolves within the task), so a backlog would otherwise be one
 * task of seconds: a page that neither renders nor answers input while it catches up. Under
 * the 50 ms of a long task, and not much less: at 12 ms the page rendered between nearly every
 * slice and a backlog of 10,000 took 7-21 % longer; at 40 ms it takes as long as unsliced.
 */
export const SLICE_MS = 40;

/**
 * After a save fails (a full disk, a browser over its storage quota), the queue tries again
 * this long (ms) later, doubling up to {@link MAX_SAVE_RETRY_MS}, until one succeeds: its acks
 * wait for it, and a quiet room would otherwise bring no next batch to save.
 */
export const SAVE_RETRY_MS = 1_000;
export const MAX_SAVE_RETRY_MS = 30_000;

/** How a {@link RoomQueue} batches (defaults: {@link MAX_BATCH}, {@link BATCH_MS}). */
export interface BatchLimits {
  /** At most this many entries (and effects) in a batch; no more than the messages the room keeps. */
  readonly maxBatch?: number;
  readonly batchMs?: number;
}

/** What a {@link RoomQueue} runs its items with. */
export interface QueueHost {
  /** Takes one ordered output in (the entry reader). */
  take(output: DeliveryOutput): Promise<void>;
  /** Saves the group state if what was taken in changed it. */
  save(): Promise<void>;
  /** Whether the room was left or the client closed: then items are dropped, tasks rejected. */
  stopped(): boolean;
  /** Whether the client is closed: then effects stop, so nothing more reaches the app. */
  closed(): boolean;
  undecryptable(notice: UndecryptableNotice): void;
  /** Saves failed (with the store's code), or work again: said once for each run of failures. */
  saving(saved: boolean, code?: string): void;
  readonly logger: Logger;
}

// A `retry` item only runs the pump, whose flush (the queue has run dry) is the save tried again.
type Item = { kind: "output"; output: DeliveryOutput } | { kind: "task"; run: () => Promise<void>; settle: (error?: unknown) => void } | { kind: "retry" };

type Timer = ReturnType<typeof setTimeout>;

interface Effect {
  readonly run: () => void;
  readonly ack: boolean;
}

/**
 * One encrypted room's work, one item at a time: ordered outputs of its log and tasks (a join,
 * a restore). What taking an item in means for the app (a message to show, an ack, a notice) is
 * an effect, run only after the batch's state was saved: a crash before the save leaves the
 * entries unacked (the relay replays them), after it leaves them taken in and kept. A save
 * that fails is no save: the batch is shown, but its acks wait for a save that succeeds (tried
 * again after {@link SAVE_RETRY_MS}), and a session that ends first leaves the entries to the
 * next one, which reads them again from the older saved state.
 *
 * @example
 * const queue = new RoomQueue("team", host);
 * queue.output(output);
 * await queue.task(() => join());
 */
export class RoomQueue {
  readonly #items: Item[] = [];
  /** The batch's effects, in order; `ack` marks those that confirm entries to the relay. */
  readonly #effects: Effect[] = [];
  /** Acks held back by failed saves, until one succeeds. */
  readonly #withheld: Effect[] = [];
  /** Since the last save that failed, none has succeeded (warned once). */
  #failing = false;
  #retry: Timer | undefined;
  #retryMs = SAVE_RETRY_MS;
  readonly #notices: NoticeGatherer;
  #pumping = false;
  /** The latest run of the pump: settled once it ran out of items. */
  #pumped: Promise<void> = Promise.resolve();
  #taken = 0;
  #batchStart = 0;
  readonly #maxBatch: number;
  readonly #batchMs: number;

  constructor(
    readonly room: string,
    readonly host: QueueHost,
    { maxBatch = MAX_BATCH, batchMs = BATCH_MS }: BatchLimits = {},
  ) {
    this.#notices = new NoticeGatherer(room);
    this.#maxBatch = Math.max(1, maxBatch);
    this.#batchMs = batchMs;
  }

  /** Queues an ordered output of the room's log. */
  output(output: DeliveryOutput): void {
    this.#enqueue({ kind: "output", output });
  }

  /** Queues `run` behind everything queued before; resolves or rejects with it. */
  task(run: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown) => {
        if (error === undefined) resolve();
        else reject(PigeonError.fromUnknown(error));
      };
      this.#enqueue({ kind: "task", run, settle });
    });
  }

  /** Runs `effect` after the next save, in order with the other effects and notices. */
  effect(effect: () => void): void {
    this.#closeNotice();
    this.#effects.push({ run: effect, ack: false });
  }

  /**
   * Runs `ack` (it confirms entries to the relay, which then deletes them) in order with the
   * effects, after the next save that succeeds. It leaves an open notice open, so that a run of
   * unreadable messages is one notice however many acks go out between them.
   */
  ack(ack: () => void): void {
    this.#effects.push({ run: ack, ack: true });
  }

  /** Reports an unreadable message at `seq`; consecutive ones of one reason become one notice. */
  report(seq: number, reason: UndecryptableReason): void {
    const closed = this.#notices.add(seq, reason);
    if (closed !== undefined) this.#tell(closed);
  }

  /**
   * Resolves once the queue has nothing under way: after the item being run and its save.
   * Once the host is stopped, what is left in the queue is dropped rather than run.
   */
  idle(): Promise<void> {
    return this.#pumped;
  }

  /**
   * Saves what the batch changed, then runs its effects in order, stopping if the client
   * closes. Its acks run only if the save succeeded (after those earlier failed saves held
   * back); otherwise they wait for a save that does.
   */
  async flush(): Promise<void> {
    this.#closeNotice();
    this.#taken = 0;
    const saved = await this.host.save().then(
      () => true,
      (error: unknown) => {
        if (!this.#failing) {
          const code = codeOf(error);
          this.host.logger.warn(`pigeon: could not save the group state of ${this.room}: what it takes in is shown, but confirmed to the relay only once a save succeeds`, code);
          this.host.saving(false, code);
        }
        return false;
      },
    );
    const effects = saved ? [...this.#withheld.splice(0), ...this.#effects.splice(0)] : this.#effects.splice(0);
    if (saved) this.#saveSucceeded();
    for (const effect of effects) {
      if (this.host.closed()) return;
      if (effect.ack && !saved) this.#withheld.push(effect);
      else effect.run();
    }
    if (!saved) this.#saveFailed();
  }

  #saveSucceeded(): void {
    if (this.#failing) {
      this.host.logger.warn(`pigeon: saved the group state of ${this.room} again`);
      this.host.saving(true);
    }
    this.#failing = false;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#retryMs = SAVE_RETRY_MS;
  }

  #saveFailed(): void {
    this.#failing = true;
    if (this.#retry !== undefined || this.#withheld.length === 0) return;
    const retry = setTimeout(() => {
      this.#retry = undefined;
      if (!this.host.stopped()) this.#enqueue({ kind: "retry" });
    }, this.#retryMs);
    // Node: a retry never keeps a process alive on its own.
    (retry as { unref?: () => void }).unref?.();
    this.#retry = retry;
    this.#retryMs = Math.min(this.#retryMs * 2, MAX_SAVE_RETRY_MS);
  }

  #closeNotice(): void {
    const notice = this.#notices.close();
    if (notice !== undefined) this.#tell(notice);
  }

  #tell(notice: UndecryptableNotice): void {
    this.#effects.push({ run: () => { this.host.undecryptable(notice); }, ack: false });
  }

  #enqueue(item: Item): void {
    this.#items.push(item);
    if (!this.#pumping) this.#pumped = this.#pump();
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    let sliceStart = performance.now();
    try {
      for (let item = this.#items.shift(); item !== undefined; item = this.#items.shift()) {
        if (this.host.stopped()) {
          if (item.kind === "task") item.settle(new PigeonError("DISCONNECTED", `${this.room}: the room was left or the client closed`));
          continue;
        }
        await this.#run(item);
        if (this.#items.length === 0 || this.#batchOver()) await this.flush();
        if (this.#items.length > 0 && performance.now() - sliceStart >= SLICE_MS) {
          await yieldToHost();
          sliceStart = performance.now();
        }
      }
    } finally {
      this.#pumping = false;
    }
  }

  #batchOver(): boolean {
    if (this.#taken >= this.#maxBatch || this.#effects.length >= this.#maxBatch) return true;
    return this.#taken > 0 && performance.now() - this.#batchStart >= this.#batchMs;
  }

  async #run(item: Item): Promise<void> {
    if (item.kind === "retry") return;
    if (item.kind === "task") {
      try {
        await this.flush();
        await item.run();
        item.settle();
      } catch (error) {
        item.settle(error);
      }
      return;
    }
    if (this.#taken === 0) this.#batchStart = performance.now();
    this.#taken += 1;
    try {
      await this.host.take(item.output);
    } catch (error) {
      // Never stall the room on one entry: it is reported, and acked so that it is not replayed forever.
      this.host.logger.warn(`pigeon: an entry of ${this.room} could not be taken in`, codeOf(error));
    }
  }
}

/**
 * What went wrong, for the logger: a code (Node's `ENOSPC`, a browser's `QuotaExceededError`),
 * never message text or key material.
 */
export function codeOf(error: unknown): string {
  if (error instanceof PigeonError || error instanceof GroupError) return error.code;
  if (!(error instanceof Error)) return "unknown";
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && /^E[A-Z0-9]+$/.test(code) ? code : error.name;
}

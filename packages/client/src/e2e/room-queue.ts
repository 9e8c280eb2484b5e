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
  readonly logger: Logger;
}

type Item = { kind: "output"; output: DeliveryOutput } | { kind: "task"; run: () => Promise<void>; settle: (error?: unknown) => void };

/**
 * One encrypted room's work, one item at a time: ordered outputs of its log and tasks (a join,
 * a restore). What taking an item in means for the app (a message to show, an ack, a notice) is
 * an effect, run only after the batch's state was saved: a crash before the save leaves the
 * entries unacked (the relay replays them), after it leaves them taken in and kept.
 *
 * @example
 * const queue = new RoomQueue("team", host);
 * queue.output(output);
 * await queue.task(() => join());
 */
export class RoomQueue {
  readonly #items: Item[] = [];
  readonly #effects: (() => void)[] = [];
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

  /**
   * Runs `effect` after the next save, in order with the other effects and notices. An effect
   * the user does not see (an ack) leaves an open notice open, so that a run of unreadable
   * messages is one notice however many acks go out between them.
   */
  effect(effect: () => void, { visible = true }: { visible?: boolean } = {}): void {
    if (visible) this.#closeNotice();
    this.#effects.push(effect);
  }

  /** Reports an unreadable message at `seq`; consecutive ones of one reason become one notice. */
  report(seq: number, reason: UndecryptableReason): void {
    const closed = this.#notices.add(seq, reason);
    if (closed !== undefined) this.#effects.push(() => { this.host.undecryptable(closed); });
  }

  /**
   * Resolves once the queue has nothing under way: after the item being run and its save.
   * Once the host is stopped, what is left in the queue is dropped rather than run.
   */
  idle(): Promise<void> {
    return this.#pumped;
  }

  /** Saves what the batch changed, then runs its effects (stopping if the client closes). */
  async flush(): Promise<void> {
    this.#closeNotice();
    this.#taken = 0;
    try {
      await this.host.save();
    } catch (error) {
      this.host.logger.warn(`pigeon: could not save the group state of ${this.room}`, codeOf(error));
    }
    for (const effect of this.#effects.splice(0)) {
      if (this.host.closed()) return;
      effect();
    }
  }

  #closeNotice(): void {
    const notice = this.#notices.close();
    if (notice !== undefined) this.#effects.push(() => { this.host.undecryptable(notice); });
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

/** What went wrong, for the logger: a code, never message text or key material. */
export function codeOf(error: unknown): string {
  if (error instanceof PigeonError || error instanceof GroupError) return error.code;
  return error instanceof Error ? error.name : "unknown";
}

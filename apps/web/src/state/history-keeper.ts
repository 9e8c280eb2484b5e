import type { HistoryStore } from "../storage/history-store.js";
import type { Room } from "./room.js";

/**
 * How long after a change the rooms that changed are written: at once (a burst handled in one
 * task is still one write per room), since a tab may be closed right after a message came.
 */
export const HISTORY_SAVE_DELAY_MS = 0;

/**
 * Writes each room's timeline to the {@link HistoryStore} right after it changes (a burst of
 * messages is one write per room), so that a reload shows the conversation again.
 *
 * @example
 * const keeper = new HistoryKeeper(history, "alice");
 * store.subscribe(() => keeper.changed(store.getSnapshot().rooms));
 */
export class HistoryKeeper {
  readonly #saved = new Map<string, Room["entries"]>();
  #latest: readonly Room[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly history: HistoryStore,
    private readonly profile: string,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Rooms as they are now; those whose entries changed are written soon. */
  changed(rooms: readonly Room[]): void {
    this.#latest = rooms;
    if (this.#timer !== undefined || !rooms.some((room) => this.#saved.get(room.name) !== room.entries)) return;
    this.#timer = setTimeout(() => {
      this.flush();
    }, HISTORY_SAVE_DELAY_MS);
  }

  /** Writes what changed now. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const room of this.#latest) {
      if (this.#saved.get(room.name) === room.entries) continue;
      this.#saved.set(room.name, room.entries);
      this.history.save(this.profile, room.name, room.entries).catch(this.onError);
    }
  }

  /** A room was left: what was kept for it goes. */
  forget(room: string): void {
    this.#saved.delete(room);
    this.history.forget(this.profile, room).catch(this.onError);
  }

  /** Stops writing (what is pending is dropped). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

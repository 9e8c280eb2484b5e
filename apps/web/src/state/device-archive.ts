import type { HistoryStore } from "../storage/history-store.js";
import type { OutboxStore } from "../storage/outbox-store.js";
import { HistoryKeeper } from "./history-keeper.js";
import type { OutboxEntry } from "./outbox.js";
import type { Entry, Room } from "./room.js";

/** What a profile left on this device last time. */
export interface Kept {
  readonly rooms: Map<string, Entry[]>;
  readonly waiting: OutboxEntry[];
}

/**
 * What this device keeps for the profile in use: each room's recent messages (written once the
 * login said which rooms are still ours) and the messages waiting for the server.
 *
 * @example
 * const kept = await archive.open("alice");
 * archive.record(); // after the login
 * archive.roomsChanged(state.rooms);
 */
export class DeviceArchive {
  #profile: string | undefined;
  #keeper: HistoryKeeper | undefined;
  #unsent: readonly OutboxEntry[] | undefined;
  #outboxTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly history: HistoryStore,
    private readonly outbox: OutboxStore,
  ) {}

  /** Switches to `profile` and reads what it left here (nothing, where storage fails). */
  async open(profile: string): Promise<Kept> {
    this.close();
    this.#profile = profile;
    const [rooms, waiting] = await Promise.all([
      this.history.load(profile).catch(() => new Map<string, Entry[]>()),
      this.outbox.load(profile).catch(() => []),
    ]);
    return { rooms, waiting };
  }

  /** Starts writing the rooms' history (once the login confirmed which rooms are ours). */
  record(): void {
    if (this.#profile !== undefined) this.#keeper ??= new HistoryKeeper(this.history, this.#profile);
  }

  /** Rooms as they are now. */
  roomsChanged(rooms: readonly Room[]): void {
    this.#keeper?.changed(rooms);
  }

  /** Messages still waiting for the server, as they are now. */
  outboxChanged(unsent: readonly OutboxEntry[]): void {
    if (this.#profile === undefined) return;
    this.#unsent = unsent;
    this.#outboxTimer ??= setTimeout(() => {
      this.#writeOutbox();
    }, 0);
  }

  /** A room was left: its history here goes. */
  forget(room: string): void {
    this.#keeper?.forget(room);
  }

  /** Writes what is pending now (the page is going away). */
  flush(): void {
    this.#keeper?.flush();
    if (this.#outboxTimer !== undefined) this.#writeOutbox();
  }

  /** Writes what is pending and stops: another profile, or none, is next. */
  close(): void {
    this.flush();
    this.#keeper?.stop();
    this.#keeper = undefined;
    this.#profile = undefined;
    this.#unsent = undefined;
  }

  /** Stops without writing what is pending (the sign-in failed: nothing of it is ours). */
  abandon(): void {
    clearTimeout(this.#outboxTimer);
    this.#outboxTimer = undefined;
    this.#keeper?.stop();
    this.#keeper = undefined;
    this.#profile = undefined;
    this.#unsent = undefined;
  }

  #writeOutbox(): void {
    clearTimeout(this.#outboxTimer);
    this.#outboxTimer = undefined;
    const profile = this.#profile;
    const unsent = this.#unsent;
    if (profile !== undefined && unsent !== undefined) this.outbox.save(profile, unsent).catch(() => undefined);
  }
}

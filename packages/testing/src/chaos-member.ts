import type { IdentityKey } from "@pigeon/crypto";
import type { DeliveredMessage, ExpiredNotice, PigeonClient } from "@pigeon/client";
import { recordByRoom } from "./keyed.js";

/** One identity in a chaos run: its rooms, its current client (none while away) and what it got. */
export class ChaosMember {
  client: PigeonClient | undefined;
  readonly log = new Map<string, DeliveredMessage[]>();
  /** Every `expired` notice this identity's clients got: the SDK's word for a hole. */
  readonly expired: ExpiredNotice[] = [];
  // Rooms whose replay has not ended (caughtUp) since the latest (re)connect.
  readonly #catchingUp = new Set<string>();
  #joined = false;

  constructor(
    readonly name: string,
    readonly key: IdentityKey,
    readonly rooms: readonly string[],
  ) {}

  /** Whether every room has caught up since the latest connection was made. */
  get caughtUp(): boolean {
    return this.#catchingUp.size === 0;
  }

  /** Starts recording a (new) client of this identity. */
  attach(client: PigeonClient): void {
    this.client = client;
    recordByRoom(client, this.log);
    client.on("expired", (notice) => this.expired.push(notice));
    client.on("hello", () => {
      // The first login precedes the joins, so only later logins resume rooms and replay.
      if (this.#joined) for (const room of this.rooms) this.#catchingUp.add(room);
    });
    client.on("caughtUp", ({ room }) => {
      this.#catchingUp.delete(room);
    });
  }

  /** Marks the rooms joined: from now on each login replays them. */
  joinedAll(): void {
    this.#joined = true;
  }

  /** The seqs received in `room`, in order. */
  seqs(room: string): number[] {
    return (this.log.get(room) ?? []).map((message) => message.seq);
  }
}

import type { IdentityKey } from "@pigeon/crypto";
import type { JoinAck, Member, MembersEvent } from "@pigeon/protocol";
import type { Session } from "./resync.js";

/**
 * What a client remembers so that it can restore itself after a reconnect: its name and
 * identity key, its rooms in the order they were joined, and their latest member lists.
 */
export class SessionState implements Session {
  name: string | undefined;
  identity: IdentityKey | undefined;
  readonly #rooms: string[] = [];
  readonly #members = new Map<string, readonly Member[]>();

  /** The rooms joined, oldest first (a copy). */
  get rooms(): readonly string[] {
    return [...this.#rooms];
  }

  /** The latest member list of a joined room. */
  members(room: string): readonly Member[] | undefined {
    return this.#members.get(room);
  }

  /** Records a successful join (again, after a reconnect, keeps the room's place). */
  joined({ room, members }: JoinAck): void {
    if (!this.#rooms.includes(room)) this.#rooms.push(room);
    this.#members.set(room, members);
  }

  /** Records a room that a keyed login resumed (its member list comes with the next `members`). */
  resumed(room: string): void {
    if (!this.#rooms.includes(room)) this.#rooms.push(room);
  }

  /** Records a new member list, for a room we are in. */
  membersChanged({ room, members }: MembersEvent): void {
    if (this.#rooms.includes(room)) this.#members.set(room, members);
  }

  /** Forgets a room left, or refused on rejoin. */
  left(room: string): void {
    const index = this.#rooms.indexOf(room);
    if (index !== -1) this.#rooms.splice(index, 1);
    this.#members.delete(room);
  }
}

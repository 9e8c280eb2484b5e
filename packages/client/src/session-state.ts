import type { IdentityKey } from "@pigeon/crypto";
import type { JoinAck, Member, MemberChangesEvent, MembersEvent, RoomMode } from "@pigeon/protocol";
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
  readonly #modes = new Map<string, RoomMode>();

  /** The rooms joined, oldest first (a copy). */
  get rooms(): readonly string[] {
    return [...this.#rooms];
  }

  /** The latest member list of a joined room. */
  members(room: string): readonly Member[] | undefined {
    return this.#members.get(room);
  }

  /** A joined room's mode, as the server last said. */
  modeOf(room: string): RoomMode | undefined {
    return this.#modes.get(room);
  }

  /** Records a successful join (again, after a reconnect, keeps the room's place). */
  joined({ room, members, mode }: JoinAck): void {
    if (!this.#rooms.includes(room)) this.#rooms.push(room);
    this.#members.set(room, members);
    this.#modes.set(room, mode);
  }

  /** Records a room that a keyed login resumed (its member list comes with the next `members`). */
  resumed(room: string, mode: RoomMode): void {
    if (!this.#rooms.includes(room)) this.#rooms.push(room);
    this.#modes.set(room, mode);
  }

  /**
   * Records a new member list. The server only sends lists of rooms this connection is in, and
   * the list of a joined or resumed room arrives just before the join or login ack does.
   */
  membersChanged({ room, members }: MembersEvent): void {
    this.#members.set(room, members);
  }

  /**
   * Applies a room's changes, in order, to its member list and returns the new list, or
   * undefined when the room's list is not known (not joined, or its list has not arrived yet).
   */
  membersChangedBy({ room, changes }: MemberChangesEvent): readonly Member[] | undefined {
    const current = this.#members.get(room);
    if (current === undefined) return undefined;
    const byName = new Map(current.map((member) => [member.name, member]));
    for (const { name, online, left } of changes) {
      byName.delete(name);
      if (left !== true) byName.set(name, { name, online });
    }
    const next = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.#members.set(room, next);
    return next;
  }

  /** Forgets a room left, or refused on rejoin. */
  left(room: string): void {
    const index = this.#rooms.indexOf(room);
    if (index !== -1) this.#rooms.splice(index, 1);
    this.#members.delete(room);
    this.#modes.delete(room);
  }
}

import type { MembersEvent } from "@pigeon/protocol";

/**
 * Whether a `members` event of `room` shows `name` with the given online status.
 *
 * @example
 * await nextEvent(alice, "members", (e) => shows(e, "lobby", "bob", true));
 */
export function shows(event: MembersEvent, room: string, name: string, online: boolean): boolean {
  return event.room === room && event.members.some((member) => member.name === name && member.online === online);
}

/** Whether a `members` event of `room` no longer lists `name` at all (a guest gone). */
export function omits(event: MembersEvent, room: string, name: string): boolean {
  return event.room === room && !event.members.some((member) => member.name === name);
}

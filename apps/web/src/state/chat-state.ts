import type { ConnectionState, DeliveredMessage, ExpiredNotice, RestartNotice, UndecryptableNotice } from "@pigeon/client";
import type { Member, Receipt, RetentionPolicy, RoomMode } from "@pigeon/protocol";
import type { OutboxEntry } from "./outbox.js";
import { addGap, addMessage, addRestart, addUndecryptable, createRoom, markRead, setMembers, setMode, withKept, type Entry, type Room } from "./room.js";
import { stopTyping, type TypingState } from "./typing.js";

/**
 * Where the person is: choosing a name, logging in with it, chatting, or told that another tab
 * of this browser uses the name (one tab at a time keeps a profile's encrypted rooms).
 */
export type Phase = "signed-out" | "signing-in" | "signed-in" | "elsewhere";

/**
 * A name whose key changed since it was pinned (first seen): either that person's new device or
 * reinstall, or someone else holding their name. Shown until the person accepts the new key.
 */
export interface KeyChange {
  readonly name: string;
  /** The pinned key and the one seen now (base64url). */
  readonly previous: string;
  readonly current: string;
  /** Rooms where the new key was seen. */
  readonly rooms: readonly string[];
  /** The person had verified the previous key (compared safety numbers). */
  readonly wasVerified: boolean;
}

/** A short message for the person, shown until dismissed or replaced. */
export interface Notice {
  readonly id: number;
  readonly tone: "error" | "info";
  readonly text: string;
}

/** How many receipts are remembered (by message id) before the oldest are forgotten. */
export const MAX_RECEIPTS = 2_000;

/** Everything the UI shows. Immutable: every change makes a new object. */
export interface ChatState {
  readonly phase: Phase;
  /** The name signed in with (or being signed in with). */
  readonly name: string | undefined;
  /** Names with a key in this browser, most recent first. */
  readonly savedNames: readonly string[];
  readonly signInError: string | undefined;
  readonly connection: ConnectionState;
  readonly retention: RetentionPolicy | undefined;
  /** Joined rooms, in the order joined. */
  readonly rooms: readonly Room[];
  readonly activeRoom: string | undefined;
  readonly outbox: readonly OutboxEntry[];
  /** The latest receipt of each own message, by message id. */
  readonly receipts: ReadonlyMap<string, Receipt>;
  /** Who is typing where (read it with `typingIn`, which drops notices that ran out). */
  readonly typing: TypingState;
  readonly pageVisible: boolean;
  readonly notice: Notice | undefined;
  /** Names whose key changed and the person has not accepted the new one. */
  readonly keyChanges: readonly KeyChange[];
  /** Names whose current key the person verified (compared safety numbers). */
  readonly verified: ReadonlySet<string>;
  /** Why the last join from the Room field failed, shown at the field until it is edited. */
  readonly joinError: string | undefined;
}

/** The state before anything happened. */
export function initialState(): ChatState {
  return {
    phase: "signed-out",
    name: undefined,
    savedNames: [],
    signInError: undefined,
    connection: "disconnected",
    retention: undefined,
    rooms: [],
    activeRoom: undefined,
    outbox: [],
    receipts: new Map(),
    typing: new Map(),
    pageVisible: true,
    notice: undefined,
    keyChanges: [],
    verified: new Set(),
    joinError: undefined,
  };
}

/** Names are unique regardless of case, as on the server. */
export function sameName(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLocaleLowerCase() === b.toLocaleLowerCase();
}

/** The room called `name`, if joined. */
export function findRoom(state: ChatState, name: string | undefined): Room | undefined {
  return name === undefined ? undefined : state.rooms.find((room) => room.name === name);
}

/** The state with `room` joined (if it was not) and, when nothing is open, opened. */
export function withRoom(state: ChatState, name: string, members?: readonly Member[]): ChatState {
  const existing = findRoom(state, name);
  const rooms = existing
    ? members === undefined
      ? state.rooms
      : state.rooms.map((room) => (room === existing ? setMembers(room, members) : room))
    : [...state.rooms, createRoom(name, members)];
  return { ...state, rooms, activeRoom: state.activeRoom ?? name };
}

/** The state with `name` opened: its unread messages are read, the previous room's "new" line goes. */
export function withActiveRoom(state: ChatState, name: string): ChatState {
  if (findRoom(state, name) === undefined) return state;
  const previous = state.activeRoom;
  const rooms = state.rooms.map((room) => {
    if (room.name === name) return state.pageVisible ? markRead(room) : room;
    if (room.name === previous) return markRead(room, true);
    return room;
  });
  return { ...state, rooms, activeRoom: name };
}

/** The state without `name`; the next room (or the previous one) is opened if it was open. */
export function withoutRoom(state: ChatState, name: string): ChatState {
  const index = state.rooms.findIndex((room) => room.name === name);
  if (index === -1) return state;
  const rooms = state.rooms.filter((room) => room.name !== name);
  const typing = new Map(state.typing);
  typing.delete(name);
  if (state.activeRoom !== name) return { ...state, rooms, typing };
  const next = rooms[Math.min(index, rooms.length - 1)]?.name;
  const opened = { ...state, rooms, typing, activeRoom: next };
  return next === undefined ? opened : withActiveRoom({ ...opened, activeRoom: undefined }, next);
}

/**
 * The state with its rooms in `order` (rooms it does not name keep their order, after those it
 * does) and `active` opened, if joined: where the person was before a reload.
 *
 * @example
 * state = withPlace(state, ["zeta", "alpha"], "zeta");
 */
export function withPlace(state: ChatState, order: readonly string[], active: string | undefined): ChatState {
  const rank = (name: string): number => {
    const index = order.indexOf(name);
    return index === -1 ? order.length : index;
  };
  const rooms = [...state.rooms].sort((a, b) => rank(a.name) - rank(b.name));
  const ordered = rooms.every((room, index) => room === state.rooms[index]) ? state : { ...state, rooms };
  return active === undefined || active === ordered.activeRoom ? ordered : withActiveRoom(ordered, active);
}

/** The state with a delivered message in its room. */
export function withMessage(state: ChatState, message: DeliveredMessage): ChatState {
  const joined = withRoom(state, message.room);
  const own = sameName(message.user, state.name);
  const seen = joined.activeRoom === message.room && joined.pageVisible;
  const newKey = message.encrypted && keyChangeOf(state, message.user) !== undefined;
  return {
    ...joined,
    rooms: joined.rooms.map((room) => (room.name === message.room ? addMessage(room, message, { own, seen, newKey }) : room)),
    typing: stopTyping(joined.typing, message.room, message.user),
  };
}

/** The state with an expiry notice in its room. */
export function withGap(state: ChatState, notice: ExpiredNotice): ChatState {
  const joined = withRoom(state, notice.room);
  return { ...joined, rooms: joined.rooms.map((room) => (room.name === notice.room ? addGap(room, notice) : room)) };
}

/** The state with a notice for messages of an encrypted room that could not be read. */
export function withUndecryptable(state: ChatState, notice: UndecryptableNotice): ChatState {
  const joined = withRoom(state, notice.room);
  return { ...joined, rooms: joined.rooms.map((room) => (room.name === notice.room ? addUndecryptable(room, notice) : room)) };
}

/** The state with each room's mode, as `modeOf` (the SDK) knows it. */
export function withModes(state: ChatState, modeOf: (room: string) => RoomMode | undefined): ChatState {
  const rooms = state.rooms.map((room) => setMode(room, modeOf(room.name)));
  return rooms.every((room, index) => room === state.rooms[index]) ? state : { ...state, rooms };
}

/** The unaccepted key change of `name`, if any. */
export function keyChangeOf(state: ChatState, name: string): KeyChange | undefined {
  return state.keyChanges.find((change) => sameName(change.name, name));
}

/** The state with `change` noted (replacing an earlier one of the same name, joining their rooms). */
export function withKeyChange(state: ChatState, change: KeyChange): ChatState {
  const earlier = keyChangeOf(state, change.name);
  const rooms = [...new Set([...(earlier?.previous === change.previous ? earlier.rooms : []), ...change.rooms])];
  const others = state.keyChanges.filter((existing) => existing !== earlier);
  return { ...state, keyChanges: [...others, { ...change, rooms }] };
}

/** The state without `name`'s key change (the person accepted the new key). */
export function withoutKeyChange(state: ChatState, name: string): ChatState {
  const keyChanges = state.keyChanges.filter((change) => !sameName(change.name, name));
  return keyChanges.length === state.keyChanges.length ? state : { ...state, keyChanges };
}

/** The state with a line where a room started over on the server. */
export function withRestart(state: ChatState, notice: RestartNotice): ChatState {
  const joined = withRoom(state, notice.room);
  return { ...joined, rooms: joined.rooms.map((room) => (room.name === notice.room ? addRestart(room, notice) : room)) };
}

/**
 * The state with a room's new member list. The server sends it only to the room's sockets, and
 * at login before the login's answer, so it may be the first word of a resumed room.
 */
export function withMembers(state: ChatState, name: string, members: readonly Member[]): ChatState {
  return withRoom(state, name, members);
}

/** The state with newer receipts. */
export function withReceipts(state: ChatState, receipts: readonly Receipt[]): ChatState {
  const next = new Map(state.receipts);
  for (const receipt of receipts) {
    next.delete(receipt.id);
    next.set(receipt.id, receipt);
  }
  for (const id of next.keys()) {
    if (next.size <= MAX_RECEIPTS) break;
    next.delete(id);
  }
  return { ...state, receipts: next };
}

/** The state after the page was shown or hidden: showing it reads the open room. */
export function withPageVisible(state: ChatState, visible: boolean): ChatState {
  if (state.pageVisible === visible) return state;
  const rooms = visible ? state.rooms.map((room) => (room.name === state.activeRoom ? markRead(room) : room)) : state.rooms;
  return { ...state, pageVisible: visible, rooms };
}

/** The state with each room's entries kept on this device, in rooms created as needed. */
export function withHistory(state: ChatState, kept: ReadonlyMap<string, readonly Entry[]>): ChatState {
  let next = state;
  for (const [name, entries] of kept) {
    next = withRoom(next, name);
    next = { ...next, rooms: next.rooms.map((room) => (room.name === name ? withKept(room, entries) : room)) };
  }
  return next;
}

/**
 * The state with exactly the rooms in `rooms` (the identity's memberships, from a login or
 * after the SDK rejoined): missing ones are added, others dropped and returned.
 *
 * @example
 * const { state, dropped } = withMemberships(current, login.rooms.map(({ room }) => room), (room) => client.members(room));
 */
export function withMemberships(
  state: ChatState,
  rooms: readonly string[],
  membersOf: (room: string) => readonly Member[] | undefined,
): { state: ChatState; dropped: string[] } {
  let next = state;
  for (const room of rooms) next = withRoom(next, room, membersOf(room));
  const dropped = next.rooms.filter((room) => !rooms.includes(room.name)).map((room) => room.name);
  for (const room of dropped) next = withoutRoom(next, room);
  return { state: next, dropped };
}

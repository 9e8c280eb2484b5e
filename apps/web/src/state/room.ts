import type { DeliveredMessage, ExpiredNotice, GapReason, RestartNotice, UndecryptableNotice, UndecryptableReason } from "@pigeon/client";
import type { Member, RoomMode } from "@pigeon/protocol";

/** How many messages and notices a room keeps in memory; older ones scroll away. */
export const MAX_ROOM_ENTRIES = 500;

/** A chat message as the timeline shows it. */
export interface MessageEntry {
  readonly kind: "message";
  /** The server's message id. */
  readonly key: string;
  readonly seq: number;
  readonly user: string;
  readonly text: string;
  readonly sentAt: number;
  /** Sent by the signed-in name (from this browser or elsewhere). */
  readonly own: boolean;
  /** Held by the server while this identity was away. */
  readonly replayed: boolean;
  /** The sender's id for it, if it gave one: an outbox entry's `localId`, for own messages typed here. */
  readonly clientId?: string;
  /** Came from a key the person has not accepted yet (its sender's key changed): marked until they do. */
  readonly newKey?: boolean;
}

/**
 * Messages this identity will never get (expired or dropped by the room's quota); with reason
 * `undecryptable`, messages of an encrypted room it got but could not read (`why` says why,
 * `count` how many, when known); with reason `restarted`, the point where the room started over
 * on the server (from and to are 0).
 */
export interface GapEntry {
  readonly kind: "gap";
  readonly key: string;
  readonly from: number;
  readonly to: number;
  readonly reason: GapReason | "restarted" | "undecryptable";
  readonly why?: UndecryptableReason;
  readonly count?: number;
}

/** One line of a room's timeline. */
export type Entry = MessageEntry | GapEntry;

/** One joined room, as the UI shows it. Immutable: every change makes a new object. */
export interface Room {
  readonly name: string;
  readonly entries: readonly Entry[];
  /** Messages from others that arrived while another room was open. */
  readonly unread: number;
  /** The first of those, where a "new messages" line goes when the room is opened. */
  readonly firstUnread: string | undefined;
  /** Undefined until the server sent a member list. */
  readonly members: readonly Member[] | undefined;
  /** `encrypted` (end-to-end, MLS) or `plain`; undefined until the server said (a room restored from history). */
  readonly mode?: RoomMode;
}

/**
 * A room with nothing in it yet.
 *
 * @example
 * const lobby = createRoom("lobby", ack.members);
 */
export function createRoom(name: string, members?: readonly Member[]): Room {
  return { name, entries: [], unread: 0, firstUnread: undefined, members };
}

/**
 * The room with `message` appended; unless `seen` (the room is open and the page visible) a
 * message from someone else counts as unread.
 *
 * @example
 * room = addMessage(room, message, { own: false, seen: false });
 */
export function addMessage(room: Room, message: DeliveredMessage, { own, seen, newKey = false }: { own: boolean; seen: boolean; newKey?: boolean }): Room {
  if (room.entries.some((entry) => entry.key === message.id)) return room;
  const entry: MessageEntry = {
    kind: "message",
    key: message.id,
    seq: message.seq,
    user: message.user,
    text: message.message,
    sentAt: message.sentAt,
    own,
    replayed: message.replayed,
    ...(message.clientId === undefined ? {} : { clientId: message.clientId }),
    ...(newKey ? { newKey } : {}),
  };
  const unseen = !own && !seen;
  return {
    ...room,
    entries: capped([...room.entries, entry]),
    unread: unseen ? room.unread + 1 : room.unread,
    firstUnread: unseen && room.unread === 0 ? entry.key : room.firstUnread,
  };
}

/**
 * The room with an expiry notice appended.
 *
 * @example
 * room = addGap(room, { room: "lobby", from: 4, to: 15, reason: "ttl" });
 */
export function addGap(room: Room, notice: ExpiredNotice): Room {
  const entry: GapEntry = { kind: "gap", key: `gap-${notice.from}-${notice.to}`, from: notice.from, to: notice.to, reason: notice.reason };
  if (room.entries.some((existing) => existing.key === entry.key)) return room;
  return { ...room, entries: capped([...room.entries, entry]) };
}

/**
 * The room with a notice for messages of an encrypted room that could not be read.
 *
 * @example
 * room = addUndecryptable(room, { room: "team", from: 3, to: 9, count: 5, reason: "lost-state" });
 */
export function addUndecryptable(room: Room, notice: UndecryptableNotice): Room {
  const entry: GapEntry = {
    kind: "gap",
    key: `undecryptable-${notice.from}-${notice.to}-${notice.reason}`,
    from: notice.from,
    to: notice.to,
    reason: "undecryptable",
    why: notice.reason,
    ...(notice.count === undefined ? {} : { count: notice.count }),
  };
  if (room.entries.some((existing) => existing.key === entry.key)) return room;
  return { ...room, entries: capped([...room.entries, entry]) };
}

/** The room with its mode, as the server told it. */
export function setMode(room: Room, mode: RoomMode | undefined): Room {
  return mode === undefined || room.mode === mode ? room : { ...room, mode };
}

/**
 * The room with a line where it started over on the server (see {@link RestartNotice}).
 *
 * @example
 * room = addRestart(room, { room: "lobby", incarnation: "Yq3vS0b1" });
 */
export function addRestart(room: Room, notice: RestartNotice): Room {
  const entry: GapEntry = { kind: "gap", key: `restart-${notice.incarnation}`, from: 0, to: 0, reason: "restarted" };
  if (room.entries.some((existing) => existing.key === entry.key)) return room;
  return { ...room, entries: capped([...room.entries, entry]) };
}

/** The room with a new member list. */
export function setMembers(room: Room, members: readonly Member[]): Room {
  return { ...room, members };
}

/**
 * The room with its unread messages counted as read. The "new messages" line stays where it
 * was unless `forgetDivider`.
 */
export function markRead(room: Room, forgetDivider = false): Room {
  if (room.unread === 0 && (!forgetDivider || room.firstUnread === undefined)) return room;
  return { ...room, unread: 0, firstUnread: forgetDivider ? undefined : room.firstUnread };
}

function capped(entries: Entry[]): Entry[] {
  return entries.length > MAX_ROOM_ENTRIES ? entries.slice(entries.length - MAX_ROOM_ENTRIES) : entries;
}

/**
 * The room with entries kept on this device from earlier sessions put before what it has;
 * they are no longer "new" (not replayed, not unread).
 *
 * @example
 * room = withKept(room, (await history.load("alice")).get("lobby") ?? []);
 */
export function withKept(room: Room, kept: readonly Entry[]): Room {
  const present = new Set(room.entries.map((entry) => entry.key));
  const old = kept.filter((entry) => !present.has(entry.key)).map((entry) => (entry.kind === "message" ? { ...entry, replayed: false } : entry));
  return old.length === 0 ? room : { ...room, entries: capped([...old, ...room.entries]) };
}

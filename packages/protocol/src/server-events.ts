import { z } from "zod";
import { Epoch, EpochMs, GroupStatus, Incarnation, RoomMode, Seq } from "./fields.js";

// What the server sends. Loose objects: a client built against this version keeps working
// when a newer server adds fields.

/**
 * A chat message as every member of the room receives it. `user` and `message` are the seed
 * tutorial's fields; the rest lets clients order, deduplicate and timestamp.
 *
 * @example
 * socket.on("message", ({ user, message }) => console.log(`${user}: ${message}`));
 */
export const ChatMessage = z.looseObject({
  user: z.string(),
  message: z.string(),
  room: z.string(),
  id: z.string(),
  seq: Seq,
  /** The room's incarnation this seq belongs to (see {@link Incarnation}). */
  incarnation: Incarnation,
  sentAt: EpochMs,
  /** True when the server held this message while the member was away and replays it now. */
  replayed: z.boolean().optional(),
  /** The sender's own id for it, when it gave one: how a sender tells its own echo. */
  clientId: z.string().optional(),
  /**
   * In encrypted rooms: what kind of MLS message `message` holds (in base64), as the relay read
   * it from the framing. `user` is the sender as the relay authenticated it.
   */
  mls: z.enum(["application", "commit", "proposal"]).optional(),
  /** In encrypted rooms: the epoch the MLS message was made in. */
  epoch: Epoch.optional(),
});
/** A chat message as delivered. */
export type ChatMessage = z.infer<typeof ChatMessage>;

/**
 * One entry of a member list.
 *
 * @example
 * { name: "bob", online: false }
 */
export const Member = z.looseObject({
  name: z.string(),
  online: z.boolean(),
});
/** One entry of a member list. */
export type Member = z.infer<typeof Member>;

/**
 * `members`: a room's whole member list: sent to a connection when it joins (or resumes) the
 * room, and to the room after bulk changes (members dropped by the sweep, a node that died).
 * Between those, `memberChanges` events carry the changes.
 *
 * @example
 * socket.on("members", ({ room, members }) => render(room, members));
 */
export const MembersEvent = z.looseObject({
  room: z.string(),
  members: z.array(Member),
  mode: RoomMode.optional(),
});
/** The `members` event payload. */
export type MembersEvent = z.infer<typeof MembersEvent>;

/**
 * What the server keeps, so that clients can tell their users. `store` is where state lives
 * (`memory` loses held messages if the server restarts; `redis` keeps them). Messages are held
 * only for keyed members who have not confirmed them, for at most `messageTtlMs`, and a room
 * holds at most `maxRoomEntries` messages and `maxRoomBytes` bytes; members away longer than
 * `memberTtlMs` are dropped from their rooms. Guests get live messages only.
 *
 * @example
 * `undelivered messages are kept ${hello.retention.messageTtlMs / 86_400_000} days`
 */
export const RetentionPolicy = z.looseObject({
  store: z.enum(["memory", "redis"]),
  messageTtlMs: z.int().positive(),
  memberTtlMs: z.int().positive(),
  maxRoomEntries: z.int().positive(),
  maxRoomBytes: z.int().positive(),
});
/** What the server keeps. */
export type RetentionPolicy = z.infer<typeof RetentionPolicy>;

/**
 * `caughtUp`: after a keyed login or join, every held message of `room` up to `seq` (of the
 * room's `incarnation`) has been sent; what follows is live. It also ends a replay the server
 * sends unasked, from the acked cursor, when its node missed other nodes' broadcasts.
 *
 * @example
 * socket.on("caughtUp", ({ room, seq }) => markLive(room, seq));
 */
export const CaughtUpEvent = z.looseObject({ room: z.string(), seq: z.int().nonnegative(), incarnation: Incarnation });
/** The `caughtUp` event payload. */
export type CaughtUpEvent = z.infer<typeof CaughtUpEvent>;

/**
 * `expired`: messages `from`..`to` (inclusive) of `room` are gone from the server before
 * every member had them, because they outlived the TTL (`ttl`) or the room's quota (`quota`).
 * Sent live to the room when it happens, and to a returning member whose replay has the gap.
 * A member that lacks them will not get them: show the gap rather than a silent hole.
 *
 * @example
 * socket.on("expired", ({ room, from, to }) => showGap(room, from, to));
 */
export const ExpiredEvent = z.looseObject({
  room: z.string(),
  from: Seq,
  to: Seq,
  /** Present on live notices; a gap found while replaying after a login has no reason. */
  reason: z.enum(["ttl", "quota"]).optional(),
  /** The incarnation `from`..`to` belong to; a notice for another one than the client's is stale. */
  incarnation: Incarnation.optional(),
});
/** The `expired` event payload. */
export type ExpiredEvent = z.infer<typeof ExpiredEvent>;

/**
 * One message's delivery state, for its sender: `delivered` of `total` other members have
 * confirmed it; `deleted` once every member has it and the server has dropped it.
 *
 * @example
 * { seq: 7, id: "9b1d…", delivered: 2, total: 3, deleted: false }
 */
export const Receipt = z.looseObject({
  seq: Seq,
  id: z.string(),
  delivered: z.int().nonnegative(),
  total: z.int().nonnegative(),
  deleted: z.boolean(),
});
/** One message's delivery state. */
export type Receipt = z.infer<typeof Receipt>;

/**
 * `receipts`: delivery progress of the recipient's own messages in `room`, coalesced (at
 * most a few per second per room, each covering every message that changed). An encrypted
 * room's group operations (MLS commits and proposals) are not messages and get none.
 *
 * @example
 * socket.on("receipts", ({ room, receipts }) => receipts.forEach(render));
 */
export const ReceiptsEvent = z.looseObject({ room: z.string(), receipts: z.array(Receipt) });
/** The `receipts` event payload. */
export type ReceiptsEvent = z.infer<typeof ReceiptsEvent>;

/**
 * `hello`: sent once on connect, before anything else.
 *
 * @example
 * socket.on("hello", (hello) => console.log(`protocol ${hello.protocolVersion}`));
 */
export const Hello = z.looseObject({
  protocolVersion: z.int(),
  serverId: z.string(),
  /** A fresh random value per connection, for keyed logins to sign. */
  challenge: z.string(),
  limits: z.looseObject({
    maxNameLength: z.int(),
    maxRoomLength: z.int(),
    maxTextLength: z.int(),
    maxRoomsPerConnection: z.int(),
    maxPacketBytes: z.int(),
    maxMlsBytes: z.int().optional(),
  }),
  retention: RetentionPolicy,
  /** True when the relay refuses plain rooms (`--require-e2e`): every room is encrypted. */
  e2eRequired: z.boolean().default(false),
});
/** The `hello` event payload. */
export type Hello = z.infer<typeof Hello>;

/**
 * `typing`: `user` is typing in `room` (sent to the room's other connections; show it for a
 * few seconds, until their next message, or until it is repeated).
 *
 * @example
 * socket.on("typing", ({ room, user }) => showTyping(room, user));
 */
export const TypingEvent = z.looseObject({ room: z.string(), user: z.string() });
/** The `typing` event payload. */
export type TypingEvent = z.infer<typeof TypingEvent>;

/** One change to a room's member list: `left: true` removes the name; otherwise set its `online`. */
export const MemberChange = z.looseObject({
  name: z.string(),
  online: z.boolean(),
  left: z.boolean().optional(),
});
/** One entry of a `memberChanges` event. */
export type MemberChange = z.infer<typeof MemberChange>;

/**
 * `memberChanges`: what changed in a room's member list lately, so that joins and departures
 * do not cost every member the whole list (in a room of 1,000 that made filling it cubic in
 * bytes). The server gathers a room's changes for a moment (`PIGEON_MEMBER_INTERVAL_MS`,
 * 100 ms by default) and sends each name's state as of then; apply them in order.
 *
 * @example
 * socket.on("memberChanges", ({ room, changes }) => changes.forEach((change) => apply(room, change)));
 */
export const MemberChangesEvent = z.looseObject({
  room: z.string(),
  changes: z.array(MemberChange),
});
/** The `memberChanges` event payload. */
export type MemberChangesEvent = z.infer<typeof MemberChangesEvent>;

/**
 * `groupStatus`: an encrypted room's group changed in a way its members must act on: removals
 * became pending (a member left or was dropped), so the next member to send commits them first.
 *
 * @example
 * socket.on("groupStatus", ({ room, pending }) => pending.length && commitRemovals(room, pending));
 */
export const GroupStatusEvent = GroupStatus.extend({ room: z.string(), incarnation: Incarnation });
/** The `groupStatus` event payload. */
export type GroupStatusEvent = z.infer<typeof GroupStatusEvent>;

import { z } from "zod";
import { EpochMs, Seq } from "./fields.js";

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
  sentAt: EpochMs,
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
 * `members`: the room's whole member list, sent to the room whenever someone joins, leaves,
 * comes online or goes offline.
 *
 * @example
 * socket.on("members", ({ room, members }) => render(room, members));
 */
export const MembersEvent = z.looseObject({
  room: z.string(),
  members: z.array(Member),
});
/** The `members` event payload. */
export type MembersEvent = z.infer<typeof MembersEvent>;

/**
 * What the server keeps, so that clients can tell their users. `store` is where state lives:
 * `memory` loses it on restart, `redis` keeps it.
 *
 * @example
 * { store: "memory" }
 */
export const RetentionPolicy = z.looseObject({
  store: z.enum(["memory", "redis"]),
});
/** What the server keeps. */
export type RetentionPolicy = z.infer<typeof RetentionPolicy>;

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
  }),
  retention: RetentionPolicy,
});
/** The `hello` event payload. */
export type Hello = z.infer<typeof Hello>;

import { z } from "zod";
import { EpochMs, Name, Room, Seq, Text } from "./fields.js";
import { Member } from "./server-events.js";

// What clients send. Every event takes the seed tutorial's bare string or a strict object
// (unknown keys are refused, so a typo is an error rather than silently ignored); the
// transforms give handlers one object shape either way.

/**
 * `login`: a name (the seed form) or `{ name }`.
 *
 * @example
 * socket.emit("login", "alice");
 * socket.emit("login", { name: "alice" }, (result) => console.log(result));
 */
export const LoginPayload = z
  .union([Name, z.strictObject({ name: Name })])
  .transform((value) => (typeof value === "string" ? { name: value } : value));
/** `login` as handlers see it. */
export type LoginPayload = z.output<typeof LoginPayload>;
/** `login` as clients may send it. */
export type LoginPayloadInput = z.input<typeof LoginPayload>;

/**
 * Data of a successful `login` ack.
 *
 * @example
 * { name: "alice", kind: "guest" }
 */
export const LoginAck = z.looseObject({
  name: z.string(),
  kind: z.enum(["guest", "keyed"]),
});
/** Data of a successful `login` ack. */
export type LoginAck = z.infer<typeof LoginAck>;

/**
 * `join`: a room (the seed form) or `{ room }`. A connection may be in several rooms; a bare
 * `chat` string goes to the one joined last.
 *
 * @example
 * socket.emit("join", "lobby");
 */
export const JoinPayload = z
  .union([Room, z.strictObject({ room: Room })])
  .transform((value) => (typeof value === "string" ? { room: value } : value));
/** `join` as handlers see it. */
export type JoinPayload = z.output<typeof JoinPayload>;
/** `join` as clients may send it. */
export type JoinPayloadInput = z.input<typeof JoinPayload>;

/**
 * Data of a successful `join` ack: the room and who is in it.
 *
 * @example
 * { room: "lobby", members: [{ name: "alice", online: true }] }
 */
export const JoinAck = z.looseObject({
  room: z.string(),
  members: z.array(Member),
});
/** Data of a successful `join` ack. */
export type JoinAck = z.infer<typeof JoinAck>;

/**
 * `leave`: a room or `{ room }`.
 *
 * @example
 * socket.emit("leave", { room: "lobby" }, (result) => console.log(result.ok));
 */
export const LeavePayload = JoinPayload;
/** `leave` as handlers see it. */
export type LeavePayload = JoinPayload;
/** `leave` as clients may send it. */
export type LeavePayloadInput = JoinPayloadInput;

/**
 * Data of a successful `leave` ack.
 *
 * @example
 * { room: "lobby" }
 */
export const LeaveAck = z.looseObject({ room: z.string() });
/** Data of a successful `leave` ack. */
export type LeaveAck = z.infer<typeof LeaveAck>;

/**
 * `chat`: a bare text (the seed form: to the room joined last) or `{ room, text }`.
 *
 * @example
 * socket.emit("chat", "hello");
 * socket.emit("chat", { room: "lobby", text: "hello" }, (result) => console.log(result));
 */
export const ChatPayload = z
  .union([Text, z.strictObject({ room: Room, text: Text })])
  .transform((value) => (typeof value === "string" ? { room: undefined, text: value } : value));
/** `chat` as handlers see it (`room` undefined means the room joined last). */
export type ChatPayload = z.output<typeof ChatPayload>;
/** `chat` as clients may send it. */
export type ChatPayloadInput = z.input<typeof ChatPayload>;

/**
 * Data of a successful `chat` ack: where the message went and the place it got.
 *
 * @example
 * { room: "lobby", id: "9b1d…", seq: 7, sentAt: 1764201600000 }
 */
export const ChatAck = z.looseObject({
  room: z.string(),
  id: z.string(),
  seq: Seq,
  sentAt: EpochMs,
});
/** Data of a successful `chat` ack. */
export type ChatAck = z.infer<typeof ChatAck>;

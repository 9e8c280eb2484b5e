import { z } from "zod";
import {
  CLIENT_MESSAGE_ID_PATTERN,
  ClientMessageId,
  Epoch,
  EpochMs,
  GroupStatus,
  Incarnation,
  MlsBytes,
  Name,
  Room,
  ROOM_PATTERN,
  RoomMode,
  Seq,
  Text,
} from "./fields.js";
import { PublicKey, ServerOrigin, Signature } from "./identity.js";
import { MAX_ROOM_LENGTH, MAX_TEXT_LENGTH } from "./limits.js";
import { Member } from "./server-events.js";

// What clients send. Every event takes the seed tutorial's bare string or a strict object
// (unknown keys are refused, so a typo is an error rather than silently ignored); the
// transforms give handlers one object shape either way, except for `chat` (see there).

/**
 * `login`: a name (the seed form: a guest), `{ name }` (a guest), or
 * `{ name, publicKey, origin, signature }` (a keyed identity: `signature` signs
 * {@link loginProof} of `origin`, the server's origin as the client dialed it, this
 * connection's `hello.challenge` and the name).
 *
 * @example
 * socket.emit("login", "alice");
 * socket.emit("login", { name: "alice", publicKey, origin: "https://chat.example.org", signature }, (result) => console.log(result));
 */
export const LoginPayload = z
  .union([
    Name,
    z
      .strictObject({ name: Name, publicKey: PublicKey.optional(), origin: ServerOrigin.optional(), signature: Signature.optional() })
      .refine((value) => (value.publicKey === undefined) === (value.signature === undefined), {
        error: "publicKey and signature go together",
      })
      .refine((value) => value.signature === undefined || value.origin !== undefined, {
        error: "a keyed login names the server's origin it signed (protocol 5)",
      }),
  ])
  .transform((value) => (typeof value === "string" ? { name: value } : value));
/** `login` as handlers see it. */
export type LoginPayload = z.output<typeof LoginPayload>;
/** `login` as clients may send it. */
export type LoginPayloadInput = z.input<typeof LoginPayload>;

/**
 * A room a keyed identity is a member of, with the last seq it acknowledged there, the room's
 * incarnation that seq belongs to, and the room's mode.
 *
 * @example
 * { room: "lobby", acked: 41, incarnation: "Yq3vS0b1", mode: "encrypted" }
 */
export const Membership = z.looseObject({
  room: z.string(),
  acked: z.int().nonnegative(),
  incarnation: Incarnation,
  mode: RoomMode.default("plain"),
});
/** A room a keyed identity is a member of. */
export type Membership = z.infer<typeof Membership>;

/**
 * Data of a successful `login` ack. A keyed login resumes the identity: `rooms` lists its
 * memberships, and after the ack the server replays each room's messages after `acked`, then
 * sends `caughtUp` for it.
 *
 * @example
 * { name: "alice", kind: "keyed", rooms: [{ room: "lobby", acked: 41 }] }
 */
export const LoginAck = z.looseObject({
  name: z.string(),
  kind: z.enum(["guest", "keyed"]),
  rooms: z.array(Membership).default([]),
});
/** Data of a successful `login` ack. */
export type LoginAck = z.infer<typeof LoginAck>;

/**
 * `join`: a room (the seed form) or `{ room, mode? }`. A connection may be in several rooms; a
 * bare `chat` string goes to the one joined last. `mode` is the mode to create the room with
 * if it is new (`plain` when absent); an existing room keeps its own, which the ack names. An
 * encrypted room takes only keyed members, who then join its MLS group (see `groupInfo`).
 *
 * @example
 * socket.emit("join", "lobby");
 * socket.emit("join", { room: "team", mode: "encrypted" }, (result) => console.log(result));
 */
export const JoinPayload = z
  .union([Room, z.strictObject({ room: Room, mode: RoomMode.optional() })])
  .transform((value) => (typeof value === "string" ? { room: value } : value));
/** `join` as handlers see it. */
export type JoinPayload = z.output<typeof JoinPayload>;
/** `join` as clients may send it. */
export type JoinPayloadInput = z.input<typeof JoinPayload>;

/**
 * Data of a successful `join` ack: the room, its mode, who is in it, and for a keyed member its
 * cursor (for a new member, the room's latest seq: it receives everything after it, nothing
 * from before it joined) with the room's incarnation that seq belongs to. For an encrypted
 * room, `group` says where its MLS group stands.
 *
 * @example
 * { room: "lobby", mode: "plain", members: [{ name: "alice", online: true }], seq: 41, incarnation: "Yq3vS0b1" }
 */
export const JoinAck = z.looseObject({
  room: z.string(),
  mode: RoomMode.default("plain"),
  members: z.array(Member),
  seq: z.int().nonnegative().default(0),
  /** Sent to keyed members (guests have no cursor). */
  incarnation: Incarnation.optional(),
  /** Sent for encrypted rooms. */
  group: GroupStatus.optional(),
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
 * `chat`: a bare text (the seed form: to the room joined last) or `{ room, text, clientId? }`.
 * With a `clientId` (see {@link ClientMessageId}) a retry after a lost answer is safe: the
 * relay answers it with the original's seq rather than storing the message twice.
 *
 * Sent with a `clientId` and no ack callback (protocol 6), the sender's own copy of the
 * `message` broadcast, which carries that `clientId`, is the answer: it has every field the ack
 * would (`room`, `id`, `seq`, `incarnation`, `sentAt`), and one frame fewer goes out per
 * message. A refusal comes as an `error` event with the `clientId`; a retry the relay has seen
 * is echoed to its sender alone, with the original's place.
 *
 * @example
 * socket.emit("chat", "hello");
 * socket.emit("chat", { room: "lobby", text: "hello", clientId: crypto.randomUUID() }, (result) => console.log(result));
 * socket.emit("chat", { room: "lobby", text: "hello", clientId }); // answered by the echo with this clientId
 */
export const ChatPayload = z.union([Text, z.strictObject({ room: Room, text: Text, clientId: ClientMessageId.optional() })]);
// No transform to one object shape here, unlike login and join: `chat` is the busiest event,
// and a zod transform makes its parse several times slower; handlers read either form.
/** `chat` as handlers see it: a bare text goes to the room joined last. */
export type ChatPayload = z.output<typeof ChatPayload>;
/** `chat` as clients may send it. */
export type ChatPayloadInput = z.input<typeof ChatPayload>;

/**
 * {@link ChatPayload} for the forms clients send, without zod's machinery: the payload a bare
 * text or a plain `{ room, text, clientId? }` object parses to, or undefined for anything
 * else, and then `ChatPayload` decides (and explains a refusal). It never accepts what
 * `ChatPayload` refuses, and gives what it would (the protocol's fuzz test holds it to both).
 * `chat` is the busiest event: zod's parse of the object form was about 8 % of the relay's CPU
 * at the keyed 1:1 maximum, a fifth of it the failed try of the bare-text form.
 *
 * @example
 * quickChatPayload({ room: " lobby ", text: "hi" }) // { room: "lobby", text: "hi" }
 * quickChatPayload({ room: "lobby" }) // undefined: ChatPayload says what is wrong
 */
export function quickChatPayload(raw: unknown): ChatPayload | undefined {
  if (typeof raw === "string") return isText(raw) ? raw : undefined;
  const keys = plainKeys(raw, CHAT_KEYS);
  if (keys === undefined) return undefined;
  const { room, text, clientId } = raw as Record<string, unknown>;
  if (typeof text !== "string" || !isText(text)) return undefined;
  const trimmed = quickRoom(room);
  if (trimmed === undefined) return undefined;
  if (keys === 2) return { room: trimmed, text };
  if (typeof clientId !== "string" || !CLIENT_MESSAGE_ID_PATTERN.test(clientId)) return undefined;
  return { room: trimmed, text, clientId };
}

const CHAT_KEYS = ["room", "text", "clientId"];
const ACK_KEYS = ["room", "seq"];

function isText(value: string): boolean {
  return value.length > 0 && value.length <= MAX_TEXT_LENGTH;
}

/**
 * How many keys a plain object (JSON's kind) has when all are among `allowed`; undefined for
 * anything else. A parse of it then need not ask which of the keys are there beyond the count.
 */
function plainKeys(raw: unknown, allowed: readonly string[]): number | undefined {
  if (typeof raw !== "object" || raw === null || Object.getPrototypeOf(raw) !== Object.prototype) return undefined;
  let keys = 0;
  for (const key in raw) {
    if (!allowed.includes(key)) return undefined;
    keys += 1;
  }
  return keys;
}

/** A room field as `Room` parses it, trimmed, when it is valid; undefined otherwise. */
function quickRoom(room: unknown): string | undefined {
  if (typeof room !== "string") return undefined;
  const trimmed = room.trim();
  return trimmed.length === 0 || trimmed.length > MAX_ROOM_LENGTH || !ROOM_PATTERN.test(trimmed) ? undefined : trimmed;
}

/**
 * Data of a successful `chat` ack: where the message went and the place it got (for a retry
 * of a `clientId` the relay has seen, the original's).
 *
 * @example
 * { room: "lobby", id: "9b1d…", seq: 7, incarnation: "Yq3vS0b1", sentAt: 1764201600000 }
 */
export const ChatAck = z.looseObject({
  room: z.string(),
  id: z.string(),
  seq: Seq,
  incarnation: Incarnation,
  sentAt: EpochMs,
});
/** Data of a successful `chat` ack. */
export type ChatAck = z.infer<typeof ChatAck>;

/**
 * `ack`: a keyed member confirms it has every message of `room` up to and including `seq`.
 * Cumulative, so one ack covers a batch. Once every member has confirmed a message, the
 * server deletes it. Guests need not ack (nothing is held for them).
 *
 * @example
 * socket.emit("ack", { room: "lobby", seq: 57 }, () => {});
 */
export const AckPayload = z.strictObject({ room: Room, seq: z.int().nonnegative() });
/** `ack` as handlers see it. */
export type AckPayload = z.output<typeof AckPayload>;
/** `ack` as clients may send it. */
export type AckPayloadInput = z.input<typeof AckPayload>;

/**
 * {@link AckPayload} for the form clients send, `{ room, seq }`, without zod's machinery, as
 * {@link quickChatPayload} is for `chat`: what it parses to, or undefined and `AckPayload`
 * decides. Every keyed member acks about once a second, between many messages, and zod's parse
 * of an ack, which never gets hot there, took 25 µs of the relay's CPU per ack (keyed 1:1 at
 * 6,000 messages/s) against 1 µs in a loop of its own.
 *
 * @example
 * quickAckPayload({ room: " lobby ", seq: 7 }) // { room: "lobby", seq: 7 }
 * quickAckPayload({ room: "lobby", seq: -1 }) // undefined: AckPayload says what is wrong
 */
export function quickAckPayload(raw: unknown): AckPayload | undefined {
  if (plainKeys(raw, ACK_KEYS) !== 2) return undefined;
  const { room, seq } = raw as Record<string, unknown>;
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0) return undefined;
  const trimmed = quickRoom(room);
  return trimmed === undefined ? undefined : { room: trimmed, seq };
}

/**
 * Data of a successful `ack` ack: the member's cursor after it.
 *
 * @example
 * { room: "lobby", acked: 57 }
 */
export const AckReply = z.looseObject({ room: z.string(), acked: z.int().nonnegative() });
/** Data of a successful `ack` ack. */
export type AckReply = z.infer<typeof AckReply>;

/**
 * `typing`: the user is typing in `room`. Relayed live to the room's other connections, never
 * stored; the server passes on at most one per connection and room every
 * `TYPING_INTERVAL_MS`, so clients may send it on every keystroke.
 *
 * @example
 * socket.emit("typing", { room: "lobby" }, () => {});
 */
export const TypingPayload = z.strictObject({ room: Room });
/** `typing` as handlers see it. */
export type TypingPayload = z.output<typeof TypingPayload>;

/**
 * Data of a successful `typing` ack.
 *
 * @example
 * { room: "lobby" }
 */
export const TypingAck = z.looseObject({ room: z.string() });
/** Data of a successful `typing` ack. */
export type TypingAck = z.infer<typeof TypingAck>;

/**
 * `groupInfo`: a member of an encrypted room asks for its group's latest GroupInfo (public: it
 * holds the ratchet tree and the external public key), to join the group by external commit.
 *
 * @example
 * const result = await socket.emitWithAck("groupInfo", { room: "team" });
 */
export const GroupInfoPayload = z.strictObject({ room: Room });
/** `groupInfo` as handlers see it. */
export type GroupInfoPayload = z.output<typeof GroupInfoPayload>;

/**
 * Data of a successful `groupInfo` ack: the GroupInfo (null until the first member creates the
 * group), where the group stands, and the room's latest seq and incarnation as of this
 * GroupInfo: a member that joins from it has nothing to read at or before `seq`.
 *
 * @example
 * { room: "team", groupInfo: "AAEAAw…", epoch: 4, pending: [], seq: 57, incarnation: "Yq3vS0b1" }
 */
export const GroupInfoAck = GroupStatus.extend({
  room: z.string(),
  groupInfo: MlsBytes.nullable(),
  seq: z.int().nonnegative(),
  incarnation: Incarnation,
});
/** Data of a successful `groupInfo` ack. */
export type GroupInfoAck = z.infer<typeof GroupInfoAck>;

/**
 * `createGroup`: the first member of an encrypted room uploads the GroupInfo of the group it
 * made (epoch 0, itself the only leaf). Refused with `STALE_EPOCH` when someone came first:
 * then fetch their GroupInfo and join it instead.
 *
 * @example
 * await socket.emitWithAck("createGroup", { room: "team", groupInfo });
 */
export const CreateGroupPayload = z.strictObject({ room: Room, groupInfo: MlsBytes });
/** `createGroup` as handlers see it. */
export type CreateGroupPayload = z.output<typeof CreateGroupPayload>;

/**
 * Data of a successful `createGroup` ack, and of other answers that say where a group stands.
 *
 * @example
 * { room: "team", epoch: 0, pending: [] }
 */
export const GroupAck = GroupStatus.extend({ room: z.string() });
/** Data of a successful `createGroup` ack. */
export type GroupAck = z.infer<typeof GroupAck>;

/**
 * `mls`: an MLS message for an encrypted room's log. The relay reads the wire format, epoch
 * and content type from the message itself and takes:
 * - a commit, as a PublicMessage made in the group's current epoch, with `groupInfo`: the
 *   GroupInfo of the epoch it starts, which the relay keeps for joiners. An external commit's
 *   new leaf must carry the sender's name and login key. The first commit of an epoch wins;
 *   later ones get `STALE_EPOCH`.
 * - an application message or proposal, made in the current epoch (else `STALE_EPOCH`), once
 *   no removal is pending (else `REMOVALS_PENDING`).
 * `clientId` makes a retry safe, as for `chat`.
 *
 * @example
 * await socket.emitWithAck("mls", { room: "team", message: base64(commit), groupInfo: base64(groupInfo) });
 */
export const MlsPayload = z.strictObject({
  room: Room,
  message: MlsBytes,
  groupInfo: MlsBytes.optional(),
  clientId: ClientMessageId.optional(),
});
/** `mls` as handlers see it. */
export type MlsPayload = z.output<typeof MlsPayload>;
/** `mls` as clients may send it. */
export type MlsPayloadInput = z.input<typeof MlsPayload>;

/** What kind of MLS message a log entry is, as the relay read it from the framing. */
export const MlsKind = z.enum(["application", "commit", "proposal"]);
/** What kind of MLS message a log entry is. */
export type MlsKind = z.infer<typeof MlsKind>;

/**
 * Data of a successful `mls` ack: the entry's place in the log, its kind, and the group's
 * epoch after it (one more than the message's for a commit).
 *
 * @example
 * { room: "team", id: "9b1d…", seq: 58, incarnation: "Yq3vS0b1", sentAt: 1764201600000, kind: "commit", epoch: 5 }
 */
export const MlsAck = ChatAck.extend({ kind: MlsKind, epoch: Epoch });
/** Data of a successful `mls` ack. */
export type MlsAck = z.infer<typeof MlsAck>;

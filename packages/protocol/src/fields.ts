import { z } from "zod";
import { MAX_MLS_BYTES, MAX_NAME_LENGTH, MAX_ROOM_LENGTH, MAX_TEXT_LENGTH } from "./limits.js";

// Names may hold letters, digits, spaces and a little punctuation, but must start with a
// letter or digit so that they read well in a member list and cannot imitate a system line.
const NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} _.'-]*$/u;
// Rooms are identifiers: no spaces, so `/join lobby` on a command line is unambiguous.
export const ROOM_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}_.-]*$/u;
// A client's message id: what a UUID or a random token is made of.
export const CLIENT_MESSAGE_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
// Invisible code points (Unicode's Default_Ignorable_Code_Point: zero-width spaces and joiners,
// direction marks, soft hyphens, variation selectors, tag characters, and the Hangul fillers,
// which count as letters) would let a name pass for another one, or for no name at all.
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;

/** A trimmed, non-empty string of at most `max` characters; errors name `what`. */
function trimmed(what: string, max: number) {
  return z.string().trim().min(1, `${what} must not be empty`).max(max, `${what} must be at most ${max} characters`);
}

/** Why a name holding an invisible code point is refused, naming the first one. */
function invisibleIn(input: unknown): string {
  const found = typeof input === "string" ? INVISIBLE.exec(input)?.[0].codePointAt(0) : undefined;
  const which = found === undefined ? "" : `: U+${found.toString(16).toUpperCase().padStart(4, "0")} is one`;
  return `name must not contain invisible characters (Unicode default-ignorable code points)${which}`;
}

/**
 * A user name as a client sends it: trimmed, 1 to {@link MAX_NAME_LENGTH} characters, starting
 * with a letter or digit, then letters, digits, spaces and `_ . ' -`; no invisible code points
 * (Unicode's Default_Ignorable_Code_Point, Hangul fillers included). The relay also refuses a
 * name that looks like one another key holds (`NAME_TAKEN`): it compares names by their
 * confusable skeleton (Unicode UTS #39), case-folded.
 *
 * @example
 * Name.parse("  alice ") // "alice"
 * Name.safeParse("\u3164").success // false: U+3164 HANGUL FILLER is invisible
 */
export const Name = trimmed("name", MAX_NAME_LENGTH)
  .refine((value) => !INVISIBLE.test(value), { error: (issue) => invisibleIn(issue.input) })
  .regex(NAME_PATTERN, "name must start with a letter or digit and hold only letters, digits, spaces and _ . ' -");
/** A valid user name. */
export type Name = z.infer<typeof Name>;

/**
 * A room name as a client sends it: trimmed, 1 to {@link MAX_ROOM_LENGTH} characters,
 * letters, digits and `_ . -`.
 *
 * @example
 * Room.parse("lobby") // "lobby"
 */
export const Room = trimmed("room", MAX_ROOM_LENGTH).regex(ROOM_PATTERN, "room must start with a letter or digit and hold only letters, digits and _ . -");
/** A valid room name. */
export type Room = z.infer<typeof Room>;

/**
 * Chat text: 1 to {@link MAX_TEXT_LENGTH} characters, sent as typed (not trimmed).
 *
 * @example
 * Text.parse("hello")
 */
export const Text = z
  .string()
  .min(1, "message must not be empty")
  .max(MAX_TEXT_LENGTH, `message must be at most ${MAX_TEXT_LENGTH} characters`);
/** Valid chat text. */
export type Text = z.infer<typeof Text>;

/**
 * A per-room sequence number, from 1, given by the server to each accepted message.
 *
 * @example
 * Seq.parse(42)
 */
export const Seq = z.int().min(1);
/** A per-room sequence number. */
export type Seq = z.infer<typeof Seq>;

/**
 * A time as milliseconds since the Unix epoch.
 *
 * @example
 * EpochMs.parse(Date.now())
 */
export const EpochMs = z.int().nonnegative();
/** Milliseconds since the Unix epoch. */
export type EpochMs = z.infer<typeof EpochMs>;

/**
 * A room's incarnation: a random id naming one run of its seqs. Seqs are in order only within
 * one incarnation; the relay gives the room a new one when its log starts over (a relay on the
 * memory store restarted, the room emptied and was forgotten, Redis lost or rolled back its
 * data). A client that sees a new incarnation for a room must forget its cursor for it.
 *
 * @example
 * Incarnation.parse("Yq3vS0b1")
 */
export const Incarnation = z.string().min(1).max(64);
/** A room's incarnation. */
export type Incarnation = z.infer<typeof Incarnation>;

/**
 * A client's own id for a message it sends: 8 to 64 letters, digits, `_` and `-` (a UUID
 * fits), new for every message and the same for every retry of it. The relay answers a retry
 * of an id it has seen from the same sender in the same room with the original's place
 * instead of storing the message twice, for as long as it remembers the id: the message TTL,
 * while the relay's bound on remembered ids keeps it (the oldest are forgotten first; see the
 * README's `--max-sent-records`). A retry of a forgotten id is a new message.
 *
 * @example
 * ClientMessageId.parse(crypto.randomUUID())
 */
export const ClientMessageId = z.string().regex(CLIENT_MESSAGE_ID_PATTERN, "clientId must be 8 to 64 letters, digits, _ or -");
/** A client's own id for a message it sends. */
export type ClientMessageId = z.infer<typeof ClientMessageId>;

/**
 * A room's mode, fixed when the room is created: `encrypted` rooms are MLS groups whose log
 * holds only MLS messages (the relay never sees their text); `plain` rooms carry text the
 * relay can read, for the seed tutorial's clients and guests.
 *
 * @example
 * RoomMode.parse("encrypted")
 */
export const RoomMode = z.enum(["plain", "encrypted"]);
/** A room's mode. */
export type RoomMode = z.infer<typeof RoomMode>;

/**
 * An MLS group's epoch (RFC 9420: a uint64; past 2^53 no group will ever get).
 *
 * @example
 * Epoch.parse(3)
 */
export const Epoch = z.int().nonnegative();
/** An MLS group's epoch. */
export type Epoch = z.infer<typeof Epoch>;

const MAX_MLS_BASE64 = Math.ceil(MAX_MLS_BYTES / 3) * 4;

/**
 * An MLSMessage (RFC 9420 section 6) in standard base64, at most {@link MAX_MLS_BYTES} bytes
 * before encoding: a PublicMessage commit or proposal, a PrivateMessage, or a GroupInfo.
 *
 * @example
 * MlsBytes.parse(Buffer.from(commit).toString("base64"))
 */
export const MlsBytes = z
  .string()
  .min(4, "an MLS message must not be empty")
  .max(MAX_MLS_BASE64, `an MLS message must be at most ${MAX_MLS_BYTES} bytes`)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, "an MLS message must be standard base64");
/** An MLSMessage in base64. */
export type MlsBytes = z.infer<typeof MlsBytes>;

/**
 * A leaf of an encrypted room's group that the next commit must remove: its member left the
 * room, was dropped for being away longer than the member TTL, or its name now belongs to
 * another key.
 *
 * @example
 * { leaf: 3, name: "carol" }
 */
export const PendingRemoval = z.looseObject({ leaf: z.int().nonnegative(), name: z.string() });
/** A leaf the next commit must remove. */
export type PendingRemoval = z.infer<typeof PendingRemoval>;

/**
 * Where an encrypted room's group stands at the relay: its epoch (null until the first member
 * creates the group) and the removals the next commit must carry. While `pending` is not empty
 * the relay refuses application messages, so that nobody who left can read what follows.
 *
 * @example
 * { epoch: 4, pending: [{ leaf: 3, name: "carol" }] }
 */
export const GroupStatus = z.looseObject({ epoch: Epoch.nullable(), pending: z.array(PendingRemoval) });
/** Where an encrypted room's group stands at the relay. */
export type GroupStatus = z.infer<typeof GroupStatus>;

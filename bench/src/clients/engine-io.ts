// The Engine.IO v4 / Socket.IO v5 text protocol, as much of it as the thin clients need.
// Frames are classified by their first bytes, never parsed, so counting costs the client
// almost nothing; setup frames (hello, acks of login and join) are parsed with JSON.parse.

/** What a received frame is. */
export type FrameKind =
  | "open"
  | "ping"
  | "connect"
  | "connectError"
  | "ack"
  | "message"
  | "members"
  | "receipts"
  | "caughtUp"
  | "hello"
  | "expired"
  | "error"
  | "event"
  | "other";

const EVENT_PREFIXES: readonly (readonly [FrameKind, Buffer])[] = (
  ["message", "members", "receipts", "caughtUp", "hello", "expired", "error"] as const
).map((name) => [name, Buffer.from(`42["${name}"`)] as const);

const CHAR_0 = 0x30;
const CHAR_2 = 0x32;
const CHAR_3 = 0x33;
const CHAR_4 = 0x34;

/**
 * Classifies one Engine.IO frame by its leading bytes: an open packet, a ping, a Socket.IO
 * connect, an ack, or an event by name. Events the server sends never carry an ack id, so
 * the name follows `42` directly.
 *
 * @example
 * classifyFrame(Buffer.from('42["message",{"user":"a","message":"hi"}]')) // "message"
 */
export function classifyFrame(data: Buffer): FrameKind {
  const first = data[0];
  if (first === CHAR_0) return "open";
  if (first === CHAR_2) return "ping";
  if (first !== CHAR_4) return "other";
  const second = data[1];
  if (second === CHAR_0) return "connect";
  if (second === CHAR_3) return "ack";
  if (second === CHAR_4) return "connectError";
  if (second !== CHAR_2) return "other";
  for (const [kind, prefix] of EVENT_PREFIXES) {
    if (data.length >= prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0) return kind;
  }
  return "event";
}

/**
 * A Socket.IO event packet inside an Engine.IO message frame, with an ack id when one is given.
 *
 * @example
 * encodeEvent("login", "alice", 0) // '420["login","alice"]'
 */
export function encodeEvent(event: string, payload: unknown, ackId?: number): string {
  return `42${ackId === undefined ? "" : String(ackId)}${JSON.stringify([event, payload])}`;
}

/**
 * The ack id of a Socket.IO ack frame (`43<id>[...]`), or undefined.
 *
 * @example
 * readAckId(Buffer.from('437[{"ok":true}]')) // 7
 */
export function readAckId(data: Buffer): number | undefined {
  let id = 0;
  let index = 2;
  for (; index < data.length; index += 1) {
    const byte = data[index] ?? 0;
    if (byte < CHAR_0 || byte > CHAR_0 + 9) break;
    id = id * 10 + (byte - CHAR_0);
  }
  return index === 2 ? undefined : id;
}

/** The arguments of an ack frame, parsed (setup only: not on the counting path). */
export function ackArgs(data: Buffer): unknown[] {
  const start = data.indexOf(0x5b); // "["
  const parsed: unknown = JSON.parse(data.toString("utf8", start));
  return Array.isArray(parsed) ? parsed : [];
}

/** The payload of an event frame (`42["name",payload]`), parsed (setup only). */
export function eventPayload(data: Buffer): unknown {
  const parsed: unknown = JSON.parse(data.toString("utf8", 2));
  return Array.isArray(parsed) ? parsed[1] : undefined;
}

const SEQ_FIELD = Buffer.from('"seq":');

/**
 * The `seq` of a Pigeon `message` frame, found by scanning for `"seq":` rather than parsing.
 * Chat text cannot contain the pattern unescaped (JSON escapes its quotes), so the first match
 * is the field.
 *
 * @example
 * scanSeq(Buffer.from('42["message",{"user":"a","message":"x","room":"r","id":"i","seq":42}]')) // 42
 */
export function scanSeq(data: Buffer): number | undefined {
  const at = data.indexOf(SEQ_FIELD);
  if (at === -1) return undefined;
  let seq = 0;
  let index = at + SEQ_FIELD.length;
  const start = index;
  for (; index < data.length; index += 1) {
    const byte = data[index] ?? 0;
    if (byte < CHAR_0 || byte > CHAR_0 + 9) break;
    seq = seq * 10 + (byte - CHAR_0);
  }
  return index === start ? undefined : seq;
}

/** The Socket.IO connect packet for the main namespace. */
export const CONNECT_FRAME = "40";
/** The Engine.IO pong, the answer to the server's ping ("2"). */
export const PONG_FRAME = "3";

/** The WebSocket URL of a socket.io server's Engine.IO v4 endpoint. */
export function engineUrl(port: number): string {
  return `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`;
}

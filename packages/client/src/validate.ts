import { ClientMessageId, Name, Room, Text } from "@pigeon/protocol";
import { PigeonError } from "./errors.js";

type Issue = { code: string; message: string };
type FieldSchema = { safeParse(input: unknown): { success: true; data: string } | { success: false; error: { issues: readonly Issue[] } } };

// The server parses the same schemas; checking here first saves a round trip, gives the same
// wording, and keeps oversized text from ever reaching the transport's packet limit.
function check(schema: FieldSchema, value: string): string {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  const code = issue?.code === "too_big" ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST";
  throw new PigeonError(code, issue?.message ?? "invalid input");
}

/** A user name as the server will take it (trimmed), or a `BAD_REQUEST` PigeonError. */
export const checkName = (name: string): string => check(Name, name);

/** A room name as the server will take it (trimmed), or a `BAD_REQUEST` PigeonError. */
export const checkRoom = (room: string): string => check(Room, room);

/** Chat text, unchanged, or a `BAD_REQUEST` / `PAYLOAD_TOO_LARGE` PigeonError. */
export const checkText = (text: string): string => check(Text, text);

/** A client message id, unchanged, or a `BAD_REQUEST` PigeonError. */
export const checkClientId = (clientId: string): string => check(ClientMessageId, clientId);

/**
 * A new client message id: 96 random bits as 24 hex digits. `getRandomValues` works in every
 * browser context (`randomUUID` only in secure ones) and in Node.
 *
 * @example
 * await client.send("lobby", "hi", { clientId: newClientId() });
 */
export function newClientId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

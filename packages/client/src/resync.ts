import { signLogin, type IdentityKey } from "@pigeon/crypto";
import type { ClientPayloadInput, JoinAck, LoginAck, RoomMode } from "@pigeon/protocol";
import { PigeonError, type PigeonErrorCode } from "./errors.js";
import { request } from "./request.js";
import type { RawSocket } from "./socket.js";

/** What a client had before its connection dropped. */
export interface Session {
  readonly name: string | undefined;
  readonly identity: IdentityKey | undefined;
  readonly rooms: readonly string[];
  /** The mode each room was joined in: a room that started over is made again in it. */
  modeOf(room: string): RoomMode | undefined;
}

/** How a resync ended. */
export type ResyncOutcome =
  | { kind: "done"; login: LoginAck | undefined; joined: JoinAck[]; dropped: { room: string; error: PigeonError }[] }
  /** Worth another try on a fresh connection (the server may still hold our old one). */
  | { kind: "retry"; event: "login" | "join"; error: PigeonError }
  /** Will not get better by retrying. */
  | { kind: "fatal"; event: "login"; error: PigeonError };

// Failures that a fresh connection may cure. NAME_TAKEN is among them for a re-login: after a
// silent drop the server may not have noticed yet that our old connection is gone.
const TRANSIENT: ReadonlySet<PigeonErrorCode> = new Set<PigeonErrorCode>([
  "TIMEOUT",
  "DISCONNECTED",
  "BAD_RESPONSE",
  "RATE_LIMITED",
  "UNAVAILABLE",
  "STORE_FULL",
  "INTERNAL",
]);

/**
 * What a keyed login on one connection signs besides the name: the server's origin as this
 * client dialed it (never one the server names) and the connection's `hello.challenge`.
 */
export interface LoginContext {
  readonly origin: string;
  readonly challenge: string;
}

/**
 * The `login` payload for a connection to `origin` whose `hello` carried `challenge`: signed
 * for a keyed session (every connection has its own challenge, so every login is signed afresh).
 */
export function loginPayload(name: string, identity: IdentityKey | undefined, { origin, challenge }: LoginContext): ClientPayloadInput<"login"> {
  return identity === undefined ? { name } : signLogin(identity, { origin, challenge, name });
}

/**
 * Restores a session on a new connection: logs in under the same name (signing the server's
 * origin and this connection's challenge when keyed), calls `onLogin` with the ack at once (before any
 * replayed message is handed on), then rejoins every room, those the login resumed included,
 * in the order they were joined. A room the server now refuses for good is dropped and
 * reported; any other failure ends the resync.
 */
export async function resync(
  socket: RawSocket,
  session: Session,
  connection: LoginContext,
  timeoutMs: number,
  onLogin: (login: LoginAck) => void,
): Promise<ResyncOutcome> {
  let login: LoginAck | undefined;
  if (session.name !== undefined) {
    try {
      login = await request(socket, "login", loginPayload(session.name, session.identity, connection), timeoutMs);
    } catch (cause) {
      const error = PigeonError.fromUnknown(cause);
      const transient = TRANSIENT.has(error.code) || error.code === "NAME_TAKEN";
      return transient ? { kind: "retry", event: "login", error } : { kind: "fatal", event: "login", error };
    }
    onLogin(login);
  }
  const joined: JoinAck[] = [];
  const dropped: { room: string; error: PigeonError }[] = [];
  for (const room of session.rooms) {
    try {
      const mode = session.modeOf(room);
      joined.push(await request(socket, "join", mode === undefined ? { room } : { room, mode }, timeoutMs));
    } catch (cause) {
      const error = PigeonError.fromUnknown(cause);
      if (TRANSIENT.has(error.code)) return { kind: "retry", event: "join", error };
      dropped.push({ room, error });
    }
  }
  return { kind: "done", login, joined, dropped };
}

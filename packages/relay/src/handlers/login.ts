import { ErrorCode, type LoginAck, type LoginPayload } from "@pigeon/protocol";
import type { RelayContext, RelaySocket } from "../context.js";
import { replay } from "../delivery/replay.js";
import { userRoom } from "../membership/user-room.js";
import { verifyLogin } from "../auth/verify-login.js";
import { RelayError } from "../errors.js";
import type { Requester } from "../limits/limits.js";
import { nameKey, type NameClaim, type NameTaken } from "../store/relay-store.js";
import { defineHandler, type FollowUp } from "./define-handler.js";
import { enterRoom } from "../membership/enter-room.js";
import { withRoom } from "../membership/joined-rooms.js";
import { announceJoin } from "../membership/publish-members.js";
import { releaseConnection } from "../membership/release.js";

/**
 * `login`: a guest takes a name nobody holds; a keyed identity proves its key by signing this
 * connection's challenge and resumes: it is put back in its rooms, and after the ack each room
 * replays what arrived while it was away. Logins are rate limited per address and name; wrong
 * signatures make both wait longer and longer, and a new keyed identity counts against its address.
 */
export const login = defineHandler("login", async (context, socket, payload, after) => {
  const current = socket.data.name;
  if (current !== undefined) return again(socket, current, payload, context);
  if (!context.store.healthy()) {
    throw new RelayError(ErrorCode.UNAVAILABLE, "the server's store is unreachable; logins resume when it is back");
  }
  const who = { address: socket.handshake.address, name: payload.name, event: "login" };
  await context.limits.login(who);
  const claim = await claimOf(context, who, payload, socket.data.challenge);
  // An identity in no room is new (or as cheap to make again as a new one): it counts, before
  // the claim, since a keyed name once claimed stays held for the member TTL.
  if (claim.kind === "keyed" && (await context.store.memberships(payload.name)).length === 0) await context.limits.newIdentity(who);
  const claimed = await context.store.claimName(payload.name, claim, socket.id, context.clock());
  if (claimed !== true) {
    context.logger.info({ ...who, kind: claim.kind }, "login refused: name taken");
    throw new RelayError(ErrorCode.NAME_TAKEN, takenMessage(payload.name, claimed));
  }
  // Guests get no receipts (nothing of theirs is held), so only keyed identities need the room
  // that reaches all of a user's connections; for guests it would be memory per connection.
  if (claim.kind === "guest") {
    loggedIn(socket, payload.name, claim);
    return { name: payload.name, kind: "guest", rooms: [] };
  }
  try {
    await socket.join(userRoom(payload.name));
    const rooms = await rejoin(context, socket, payload.name, after);
    loggedIn(socket, payload.name, claim);
    return { name: payload.name, kind: "keyed", rooms };
  } catch (error) {
    // Logged in only once everything is back: a retry of this login then runs all of it again.
    const entered = socket.data.rooms;
    socket.data.rooms = [];
    for (const room of [...entered, userRoom(payload.name)]) await socket.leave(room);
    await releaseConnection(context, payload.name, socket.id, entered);
    throw error;
  }
});

/** Why a name is taken, in words: by whom, and as what when it is a look-alike. */
function takenMessage(name: string, { holder, heldAs }: NameTaken): string {
  const which = heldAs === name ? `the name ${name}` : `the name ${name} looks like ${heldAs}, which`;
  return `${which} ${holder === "key" ? "belongs to another key" : "is in use"}`;
}

/** Every guest's claim: one object, not one per connection held in the store's name record. */
const GUEST: NameClaim = Object.freeze({ kind: "guest" });

/** Marks the connection logged in; its challenge is spent, so it cannot log in as anyone else. */
function loggedIn(socket: RelaySocket, name: string, claim: NameClaim): void {
  socket.data.name = name;
  socket.data.kind = claim.kind;
  socket.data.challenge = "";
  if (claim.kind === "keyed") socket.data.publicKey = claim.publicKey;
}

async function claimOf(
  context: RelayContext,
  who: Requester & { name: string },
  { name, publicKey, origin, signature }: LoginPayload,
  challenge: string,
): Promise<NameClaim> {
  if (publicKey === undefined || signature === undefined || origin === undefined) return GUEST;
  // A proof for another server is what a hostile server holds after passing this relay's
  // challenge to a user: refused, whatever its signature, and counted as a failed login.
  if (!context.origins.has(origin)) {
    context.logger.info({ ...who, origin }, "login refused: signed for another server");
    await context.limits.loginFailed(who);
    throw new RelayError(
      ErrorCode.UNAUTHORIZED,
      `the login is signed for ${origin}, which is not this server (it answers at ${context.origins.describe()}; its operator sets --public-origins)`,
    );
  }
  if (!verifyLogin({ name, publicKey, origin, signature }, challenge)) {
    context.logger.info(who, "login refused: bad signature");
    await context.limits.loginFailed(who);
    throw new RelayError(ErrorCode.UNAUTHORIZED, "the signature does not match this connection's challenge");
  }
  return { kind: "keyed", publicKey };
}

/** Puts a resuming identity back in its rooms; schedules each room's replay after the ack. */
async function rejoin(context: RelayContext, socket: RelaySocket, name: string, after: (task: FollowUp) => void) {
  const memberships = await context.store.memberships(name);
  for (const { room, acked, mode } of memberships) {
    await context.store.addPresence(room, name, socket.id);
    // Listed as soon as it holds presence, so that a failure after this releases it.
    socket.data.rooms = withRoom(socket.data.rooms, room);
    await enterRoom(context, socket, room);
    await announceJoin(context, socket, room, name, mode);
    after(() => replay(context, socket, room, acked));
  }
  return memberships;
}

// Repeating the same login is harmless (clients retry after a lost ack); another name is not.
async function again(socket: RelaySocket, current: string, payload: LoginPayload, context: RelayContext): Promise<LoginAck> {
  const sameKey = payload.publicKey === socket.data.publicKey;
  if (nameKey(current) !== nameKey(payload.name) || !sameKey) {
    throw new RelayError(ErrorCode.ALREADY_LOGGED_IN, `this connection is logged in as ${current}`);
  }
  const kind = socket.data.kind ?? "guest";
  const rooms = kind === "keyed" ? await context.store.memberships(current) : [];
  return { name: current, kind, rooms };
}

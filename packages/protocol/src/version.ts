/**
 * The version of the wire protocol this package describes. The server sends it in `hello`;
 * it changes when an existing event changes incompatibly, and when a client must know that the
 * server behaves in a new way before relying on it (new events and new optional fields alone
 * do not bump it).
 *
 * @example
 * if (hello.protocolVersion !== PROTOCOL_VERSION) console.warn("server speaks another version");
 */
export const PROTOCOL_VERSION = 7;
// 2: `member` (one change per event) became `memberChanges` (a room's changes gathered).
// 3: messages, `caughtUp`, keyed join acks and login memberships carry the room's `incarnation`.
// 4: encrypted rooms: `join` takes and answers a room `mode`; `chat` to an encrypted room is
//    refused with E2E_REQUIRED; the `groupInfo`, `createGroup` and `mls` events; MLS log entries.
// 5: a keyed `login` carries and signs the server's `origin` (`pigeon-login-v2`), which the relay
//    checks against its public origins: a proof made for one server is refused by every other.
// 6: a `chat` with a `clientId` and no ack callback is answered by the sender's echo of it (a
//    retry the relay has seen, by an echo to the sender alone), a refusal by an `error` event
//    that carries the `clientId`: one frame fewer per message than an ack.
// 7: an `mls` message with a `clientId` and no ack callback is answered like such a `chat`: by
//    the sender's echo, a seen `clientId` by an echo to the sender alone, a refusal (with the
//    group's status where it has one) by an `error` event with the `clientId`.

import type { CryptoProvider, GroupStateStore, PinStore } from "@pigeon/crypto";

/**
 * How the SDK keeps encrypted rooms: the crypto provider for MLS, where each room's group state
 * is kept between runs, and where keys are pinned on first use. All optional: by default the
 * portable provider (WebCrypto) and memory stores (nothing survives the process).
 *
 * @example
 * import { nodeCryptoProvider, FileGroupStateStore, FilePinStore } from "@pigeon/crypto/node";
 * createClient({ url, mls: { cryptoProvider: nodeCryptoProvider, stateStore: new FileGroupStateStore(dir, "alice"), pinStore: new FilePinStore(pins, "alice") } });
 */
export interface MlsOptions {
  /** ts-mls's primitives; on Node pass `nodeCryptoProvider` from `@pigeon/crypto/node` (several times faster). */
  readonly cryptoProvider?: CryptoProvider;
  /** Each encrypted room's group, so that a restarted client continues in it. Default: memory. */
  readonly stateStore?: GroupStateStore;
  /** Keys pinned on first use, per profile. Default: memory. */
  readonly pinStore?: PinStore;
}

/**
 * An encrypted room's group changed: we created or joined it, rejoined it after losing our
 * state or being removed, or someone's commit (ours included) added or removed members.
 *
 * @example
 * client.on("group", ({ room, joined, removed }) => joined.forEach((name) => console.log(`[${room}] ${name} joined the encrypted group`)));
 */
export interface GroupChange {
  readonly room: string;
  /** The group's epoch after the change. */
  readonly epoch: number;
  /** Everyone in the group now, us included, one entry per leaf (a name may briefly hold two). */
  readonly members: readonly string[];
  readonly joined: readonly string[];
  readonly removed: readonly string[];
  /** `created`, `joined` and `rejoined` are our own arrival; `commit` is anyone's commit. */
  readonly cause: "created" | "joined" | "rejoined" | "commit";
  /** For `commit`: who made it, as the relay authenticated them. */
  readonly by?: string;
}

/**
 * A pinned name now shows another key: in a group's tree, or in a commit. Show it loudly: it is
 * either a new device or key of that person, or someone impersonating them (a malicious relay
 * can add members of its own). The old pin stays until `trustKey` replaces it.
 *
 * @example
 * client.on("keyChanged", ({ name, room }) => console.warn(`!!! ${name}'s key changed in ${room}: run /verify ${name}`));
 */
export interface KeyChangeNotice {
  readonly room: string;
  readonly name: string;
  /** The pinned key, base64url. */
  readonly previous: string;
  /** The key seen now, base64url. */
  readonly current: string;
}

/**
 * Why messages of an encrypted room could not be shown:
 * - `before-join`: sent to the group before we were in it (after we joined the room);
 * - `lost-state`: sent while our group state was lost or out of step (expired entries, a
 *   restart without state, a removal); the SDK rejoined the group by itself;
 * - `forged`: the decrypted sender is not who the relay says sent it;
 * - `unreadable`: malformed, or not for our group's keys;
 * - `not-encrypted`: a plain text entry in an encrypted room (never shown);
 * - `own-not-kept`: our own message, whose text this client did not keep (sent by another
 *   client of the identity, or before its group state was lost); MLS cannot decrypt it for us;
 * - `not-kept`: decrypted by a send-only session, which keeps at most `maxHeldMessages` per room
 *   for the next session to show; the oldest beyond that are reported instead.
 *
 * @example
 * const why: UndecryptableReason = notice.reason;
 */
export type UndecryptableReason = "before-join" | "lost-state" | "forged" | "unreadable" | "not-encrypted" | "own-not-kept" | "not-kept";

/**
 * Entries `from`..`to` of an encrypted room held messages this client could not read (or could
 * not keep to show). `count` is how many messages, when known.
 *
 * @example
 * client.on("undecryptable", ({ room, count, reason }) => console.log(`[${room}] ${count ?? "some"} messages could not be read (${reason})`));
 */
export interface UndecryptableNotice {
  readonly room: string;
  readonly from: number;
  readonly to: number;
  readonly count?: number;
  readonly reason: UndecryptableReason;
}

/**
 * This device could not save an encrypted room's state (`saved: false`, with the store's code:
 * `ENOSPC` for a full disk, `QuotaExceededError` for a browser over its quota), or could again
 * (`saved: true`). Meanwhile what arrives is shown, but left on the server (not acked) for this
 * client's next save that works, or its next session; sending fails with the store's error.
 *
 * @example
 * client.on("storage", ({ room, saved, code }) => status(saved ? `${room}: saved again` : `${room}: cannot save (${code})`));
 */
export interface StorageNotice {
  readonly room: string;
  readonly saved: boolean;
  readonly code?: string;
}

/**
 * The number two people compare to know that each holds the other's real key: 60 digits, and
 * the same in groups of five on three lines.
 *
 * @example
 * const { formatted } = (await client.safetyNumber("bob")) ?? {};
 */
export interface SafetyNumber {
  readonly name: string;
  readonly digits: string;
  readonly formatted: string;
}

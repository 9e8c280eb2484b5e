// Where the Redis store keeps what. Laid out for Redis Cluster: every key of one room shares the
// hash tag `{r:<room>}`, every key of one identity the tag `{n:<nameKey>}` and every key of one
// node the tag `{node:<node id>}`, so each Lua script touches one slot. Only the two indexes and
// the node list are global keys, and they are only ever written by single-key commands.
//
// Keys stay unambiguous for any room or name, braces included: a key is a fixed head, the raw
// room (or name), then `}:` and a suffix from a fixed set that never contains `}:`. Cluster's
// tag rule (first `{` to the first `}` after it) then still gives all keys of one room one tag.

/** The keys of one room, in the order every room script takes them as KEYS[1..14]. */
export interface RoomKeys {
  /**
   * HASH: seq (latest seq), bytes (held bytes), ix (token under which the room is indexed),
   * inc and run (incarnation), mode (plain or encrypted; absent in rooms from before modes: plain).
   */
  readonly meta: string;
  /** STREAM: one entry per held message, id `<seq>-0`, fields i, u, m, t, b, and k, e for MLS entries. */
  readonly log: string;
  /** ZSET: nameKey → acked seq of each keyed member. */
  readonly cursors: string;
  /** HASH: nameKey → display name of each keyed member. */
  readonly members: string;
  /** HASH: connection id → display name of each connection present. */
  readonly presence: string;
  /** HASH: client key (nameKey, client message id) → `seq inc id sentAt` of its append. */
  readonly sent: string;
  /** ZSET: client key → sentAt, to forget the oldest keys (count and age). */
  readonly sentOrder: string;
  /** HASH: nameKey → login public key (base64url) of each keyed member, which its group leaf must carry. */
  readonly memberKeys: string;
  /** HASH of an encrypted room's group, per incarnation: epoch, id (group id), info (latest GroupInfo, base64). */
  readonly group: string;
  /** HASH: `l:<leaf>` → `<nameKey>\n<key>`, and `n:<nameKey>` → JSON [[leaf, name, key], ...] of the group's leaves. */
  readonly groupLeaves: string;
  /** HASH: leaf → name of each leaf the next commit must remove. */
  readonly groupPending: string;
  /** HASH: `n:<user>` and `b:<user>` → how many entries, and bytes, each sender has held. */
  readonly senders: string;
  /**
   * ZSET, every score 0: `<length of user>:<user>:<seq, 16 digits>:<bytes>` per held entry, so
   * that one sender's entries sort together, oldest first (ZRANGEBYLEX).
   */
  readonly senderLog: string;
  /**
   * HASH: entries, bytes (with per-entry overhead) held in the whole deployment, against its
   * budget. A global key, except in a Redis Cluster, where a script may touch one slot only:
   * there it is the room's own (and the budget is the room's, see `KeyLayout`).
   */
  readonly held: string;
}

/** The keys of one identity (one `nameKey`: a name and its look-alikes), as KEYS[1..3] of the identity scripts. */
export interface IdentityKeys {
  /** HASH: kind, pk (public key), name (as claimed), away (ms, when the last connection closed), gen (join token). */
  readonly record: string;
  /** SET: connection ids holding the name. */
  readonly connections: string;
  /** SET: rooms the identity is a member of. */
  readonly rooms: string;
}

/**
 * What one node's connections hold, so that another node can release it if this one dies
 * (./liveness.ts). Fields are JSON `[connection id, x]`, values the display name given.
 */
export interface NodeKeys {
  /** HASH: [connection id, nameKey] → name, one per name claim. */
  readonly names: string;
  /** HASH: [connection id, room] → name, one per presence. */
  readonly presence: string;
  /** `names`, once a reaper has taken it over. */
  readonly reapingNames: string;
  /** `presence`, once a reaper has taken it over. */
  readonly reapingPresence: string;
  /** STRING: the stamp of a reaper's claim on the node, for the node to find at its next beat (./reaper.ts). */
  readonly reaped: string;
}

/**
 * The key layout under one prefix.
 *
 * @example
 * const keys = new KeyLayout("pigeon");
 * keys.room("lobby").log; // "pigeon:{r:lobby}:log"
 */
export class KeyLayout {
  /** HASH: room → index token, the rooms `sweep` visits (rooms that have or had members). */
  readonly roomIndex: string;
  /** ZSET: nameKey → ms after which `sweep` checks the identity again (keyed identities, and identities with rooms). */
  readonly identityIndex: string;
  /** ZSET: node id → its last heartbeat (ms), or a reaper's claim on it (./liveness.ts). */
  readonly nodes: string;
  /** HASH: what the deployment holds (see `RoomKeys.held`); undefined in a Cluster. */
  readonly held: string | undefined;

  /**
   * In a Cluster (`cluster`) a room script cannot reach a global counter, so each room counts
   * its own held bytes instead and the deployment budget is not enforced (Redis's `maxmemory`
   * still is, and answers STORE_FULL).
   */
  constructor(
    readonly prefix: string,
    { cluster = false }: { readonly cluster?: boolean } = {},
  ) {
    if (!/^[^{}*?[\]\\]+$/.test(prefix)) throw new Error(`invalid Redis key prefix: ${JSON.stringify(prefix)}`);
    this.roomIndex = `${prefix}:rooms`;
    this.identityIndex = `${prefix}:identities`;
    this.nodes = `${prefix}:nodes`;
    this.held = cluster ? undefined : `${prefix}:held`;
  }

  /** The keys of `room`. */
  room(room: string): RoomKeys {
    const head = `${this.prefix}:{r:${room}}:`;
    return {
      meta: `${head}meta`,
      log: `${head}log`,
      cursors: `${head}cursors`,
      members: `${head}members`,
      presence: `${head}presence`,
      sent: `${head}sent`,
      sentOrder: `${head}sent-order`,
      memberKeys: `${head}member-keys`,
      group: `${head}group`,
      groupLeaves: `${head}group-leaves`,
      groupPending: `${head}group-pending`,
      senders: `${head}senders`,
      senderLog: `${head}sender-log`,
      held: this.held ?? `${head}held`,
    };
  }

  /** The keys of the identity whose `nameKey` is `key`. */
  identity(key: string): IdentityKeys {
    const head = `${this.prefix}:{n:${key}}:`;
    return { record: `${head}id`, connections: `${head}conns`, rooms: `${head}rooms` };
  }

  /** The keys of the node `id`. */
  node(id: string): NodeKeys {
    const head = `${this.prefix}:{node:${id}}:`;
    return {
      names: `${head}names`,
      presence: `${head}presence`,
      reapingNames: `${head}reaping-names`,
      reapingPresence: `${head}reaping-presence`,
      reaped: `${head}reaped`,
    };
  }
}

/** A room's keys as the KEYS list of a room script. */
export function roomKeyList(keys: RoomKeys): string[] {
  return [
    keys.meta,
    keys.log,
    keys.cursors,
    keys.members,
    keys.presence,
    keys.sent,
    keys.sentOrder,
    keys.memberKeys,
    keys.group,
    keys.groupLeaves,
    keys.groupPending,
    keys.senders,
    keys.senderLog,
    keys.held,
  ];
}

/** A node's keys as the KEYS list of TAKE_HOLDINGS. */
export function nodeKeyList(keys: NodeKeys): string[] {
  return [keys.names, keys.presence, keys.reapingNames, keys.reapingPresence];
}

/** An identity's keys as the KEYS list of an identity script. */
export function identityKeyList(keys: IdentityKeys): string[] {
  return [keys.record, keys.connections, keys.rooms];
}

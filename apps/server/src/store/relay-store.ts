import type { Member } from "@pigeon/protocol";

/**
 * Everything the relay remembers, behind one async interface so that the in-memory store and
 * the Redis store are interchangeable and pass one contract suite (./store-contract.ts).
 * Connection ids are socket.io socket ids: unique across nodes.
 *
 * @example
 * const store: RelayStore = new MemoryStore();
 * if (!(await store.claimName("alice", socket.id))) throw new RelayError("NAME_TAKEN", "…");
 */
export interface RelayStore {
  /** Where state lives: `memory` loses it on restart, `redis` keeps it. */
  readonly kind: "memory" | "redis";

  /**
   * Claims a name for a connection. True when the name was free or is already this
   * connection's. Names compare case-insensitively, so "Alice" cannot pose as "alice".
   */
  claimName(name: string, connectionId: string): Promise<boolean>;
  /** Releases a name if (and only if) this connection holds it. */
  releaseName(name: string, connectionId: string): Promise<void>;

  /** Marks `name` present in `room` through `connectionId`. */
  addPresence(room: string, name: string, connectionId: string): Promise<void>;
  /** Removes one connection's presence; the member goes when its last connection does. */
  removePresence(room: string, name: string, connectionId: string): Promise<void>;
  /** The room's members, sorted by name. */
  members(room: string): Promise<Member[]>;

  /** The next sequence number of `room`, from 1. */
  nextSeq(room: string): Promise<number>;

  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** The key a name is held under: case-folded and Unicode-normalised. */
export function nameKey(name: string): string {
  return name.normalize("NFKC").toLowerCase();
}

import type { Member } from "@pigeon/protocol";
import { nameKey, type RelayStore } from "./relay-store.js";

interface RoomState {
  lastSeq: number;
  /** Display name → the connections through which that member is present. */
  presence: Map<string, Set<string>>;
}

/**
 * The embedded default store: plain maps in this process. Needs nothing installed; loses
 * everything on restart, which `hello` tells clients. A room's state goes when its last member
 * does, so memory follows what is in use.
 *
 * @example
 * const relay = createApp(httpServer, { config, store: new MemoryStore(), logger });
 */
export class MemoryStore implements RelayStore {
  readonly kind = "memory";
  readonly #names = new Map<string, string>();
  readonly #rooms = new Map<string, RoomState>();

  claimName(name: string, connectionId: string): Promise<boolean> {
    const key = nameKey(name);
    const holder = this.#names.get(key);
    if (holder !== undefined && holder !== connectionId) return Promise.resolve(false);
    this.#names.set(key, connectionId);
    return Promise.resolve(true);
  }

  releaseName(name: string, connectionId: string): Promise<void> {
    const key = nameKey(name);
    if (this.#names.get(key) === connectionId) this.#names.delete(key);
    return Promise.resolve();
  }

  addPresence(room: string, name: string, connectionId: string): Promise<void> {
    const state = this.#room(room);
    const connections = state.presence.get(name) ?? new Set<string>();
    connections.add(connectionId);
    state.presence.set(name, connections);
    return Promise.resolve();
  }

  removePresence(room: string, name: string, connectionId: string): Promise<void> {
    const state = this.#rooms.get(room);
    const connections = state?.presence.get(name);
    if (!state || !connections) return Promise.resolve();
    connections.delete(connectionId);
    if (connections.size === 0) state.presence.delete(name);
    if (state.presence.size === 0) this.#rooms.delete(room);
    return Promise.resolve();
  }

  members(room: string): Promise<Member[]> {
    const presence = this.#rooms.get(room)?.presence ?? new Map<string, Set<string>>();
    const members = [...presence.keys()].sort().map((name) => ({ name, online: true }));
    return Promise.resolve(members);
  }

  nextSeq(room: string): Promise<number> {
    const state = this.#room(room);
    state.lastSeq += 1;
    return Promise.resolve(state.lastSeq);
  }

  close(): Promise<void> {
    this.#names.clear();
    this.#rooms.clear();
    return Promise.resolve();
  }

  #room(room: string): RoomState {
    let state = this.#rooms.get(room);
    if (!state) {
      state = { lastSeq: 0, presence: new Map() };
      this.#rooms.set(room, state);
    }
    return state;
  }
}

import { createClient as createSdkClient, type ClientOptions, type PigeonClient } from "@pigeon/client";
import { loadOrCreateIdentity, type KeyStore } from "@pigeon/crypto";
import { Name, Room as RoomName, Text } from "@pigeon/protocol";
import { MemoryHistoryStore, type HistoryStore } from "../storage/history-store.js";
import { MemoryOutboxStore, type OutboxStore } from "../storage/outbox-store.js";
import {
  findRoom,
  initialState,
  withActiveRoom,
  withHistory,
  withMemberships,
  withoutRoom,
  withPageVisible,
  withRoom,
  type ChatState,
} from "./chat-state.js";
import { bridgeClient } from "./client-bridge.js";
import { DeviceArchive } from "./device-archive.js";
import { describeError, sentence } from "./describe-error.js";
import { Outbox } from "./outbox.js";
import type { ProfileMemory } from "./profile-memory.js";
import { Reconnector } from "./reconnector.js";
import { StateCell } from "./state-cell.js";
import { typingIn } from "./typing.js";

/** A key store that can also list the names it holds (IndexedDB's can). */
export interface NamedKeyStore extends KeyStore {
  names(): Promise<string[]>;
}

/** What a {@link ChatStore} is built from. */
export interface ChatStoreOptions {
  /** The relay's URL. */
  url: string;
  keyStore: NamedKeyStore;
  /** Where received messages are kept on this device (default: memory, gone with the tab). */
  history?: HistoryStore;
  /** Where messages not yet accepted wait across reloads (default: memory). */
  outboxStore?: OutboxStore;
  /** Remembers the last name, so that a reload signs in again. */
  memory: ProfileMemory;
  /** Builds the SDK client (tests may wrap it). */
  createClient?: (options: ClientOptions) => PigeonClient;
  /** SDK options beyond the URL. */
  clientOptions?: Omit<ClientOptions, "url">;
  now?: () => number;
}

/** How long the first connection attempt may take before the sign-in screen says so. */
export const CONNECT_TIMEOUT_MS = 5_000;

/**
 * The web client's state and actions over one `@pigeon/client` session: sign-in with a key
 * kept in the browser, rooms with unread counts and their history on this device, an outbox
 * for messages typed while offline, receipts, members and who is typing. Framework-free:
 * React reads it with `useSyncExternalStore(store.subscribe, store.getSnapshot)`.
 *
 * @example
 * const store = new ChatStore({ url, keyStore, history, memory });
 * await store.start();
 * await store.signIn("alice");
 * await store.join("lobby");
 * store.send("hello");
 */
export class ChatStore {
  readonly #options: ChatStoreOptions;
  readonly #now: () => number;
  readonly #cell = new StateCell<ChatState>(initialState());
  readonly #archive: DeviceArchive;
  readonly #reconnector: Reconnector;
  #client: PigeonClient;
  #outbox: Outbox;
  #stopBridge: () => void = () => undefined;
  #noticeId = 0;

  constructor(options: ChatStoreOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#archive = new DeviceArchive(options.history ?? new MemoryHistoryStore(), options.outboxStore ?? new MemoryOutboxStore());
    this.#reconnector = new Reconnector(() => this.#reconnect());
    this.#client = this.#newClient();
    this.#outbox = this.#newOutbox();
  }

  /** Adds a listener for state changes; returns a function that removes it. */
  readonly subscribe = (listener: () => void): (() => void) => this.#cell.subscribe(listener);

  /** The current state (the same object until something changes). */
  readonly getSnapshot = (): ChatState => this.#cell.get();

  get #state(): ChatState {
    return this.#cell.get();
  }

  /** Connects (to show the server's retention policy), then signs in again with the last name. */
  async start(): Promise<void> {
    this.#update({ savedNames: await this.#savedNames() });
    const last = this.#options.memory.get();
    if (last !== undefined) {
      await this.signIn(last);
      return;
    }
    await this.#connectSignedOut();
  }

  /** Signs in as `name` with this browser's key for it, created on first use. */
  async signIn(rawName: string): Promise<void> {
    const parsed = Name.safeParse(rawName);
    if (!parsed.success) {
      this.#update({ signInError: sentence(parsed.error.issues[0]?.message ?? "That name can't be used.") });
      return;
    }
    const name = parsed.data;
    const profile = profileOf(name);
    this.#update({ phase: "signing-in", name, signInError: undefined });
    const client = this.#client;
    try {
      const { key } = await loadOrCreateIdentity(this.#options.keyStore, profile, name);
      // What this device kept goes first; what the server held meanwhile is replayed after it.
      const kept = await this.#archive.open(profile);
      if (client !== this.#client) return;
      this.#set(withHistory(this.#state, kept.rooms));
      this.#outbox.restore(kept.waiting);
      if (client.state === "disconnected") await client.connect();
      const login = await client.login(name, { identity: key });
      const savedNames = await this.#savedNames();
      if (client !== this.#client) return;
      this.#options.memory.set(login.name);
      // Read the state only now: the login's replay may have added messages meanwhile. Rooms
      // kept here but left elsewhere (or expired) are no longer ours.
      const signedIn: ChatState = { ...this.#state, phase: "signed-in", name: login.name, savedNames };
      const { state, dropped } = withMemberships(signedIn, login.rooms.map(({ room }) => room), (room) => client.members(room));
      this.#archive.record();
      for (const room of dropped) this.#archive.forget(room);
      this.#set(state);
      this.#outbox.wake();
    } catch (error) {
      if (client !== this.#client) return;
      // Nothing of this profile stays: not its rooms, not its waiting messages (they stay stored).
      this.#archive.abandon();
      this.#outbox.dispose();
      this.#outbox = this.#newOutbox();
      this.#set({ ...this.#state, phase: "signed-out", signInError: describeError(error, name), rooms: [], activeRoom: undefined, outbox: [] });
    }
  }

  /** Signs out: the connection closes; the key and history stay in this browser for next time. */
  async signOut(): Promise<void> {
    const old = this.#client;
    this.#options.memory.set(undefined);
    this.#archive.close();
    this.#outbox.dispose();
    this.#reconnector.stop();
    this.#client = this.#newClient();
    this.#outbox = this.#newOutbox();
    this.#set({ ...initialState(), savedNames: this.#state.savedNames, retention: this.#state.retention, connection: this.#client.state });
    await old.close();
    await this.#connectSignedOut();
  }

  /** Joins `room` (or opens it, if already joined). Resolves with whether it is open now. */
  async join(rawRoom: string): Promise<boolean> {
    const parsed = RoomName.safeParse(rawRoom);
    if (!parsed.success) {
      this.#notify("error", sentence(parsed.error.issues[0]?.message ?? "That room name can't be used."));
      return false;
    }
    const room = parsed.data;
    if (findRoom(this.#state, room) !== undefined) {
      this.select(room);
      return true;
    }
    if (this.#client.state !== "connected") {
      this.#notify("error", `You're offline. Join ${room} once the connection is back.`);
      return false;
    }
    try {
      // Plain until the web client keeps encrypted rooms' state across reloads (IndexedDB):
      // without that, every reload would rejoin each group and lose what was in flight.
      const ack = await this.#client.join(room, { mode: "plain" });
      this.#set(withActiveRoom(withRoom(this.#state, ack.room, ack.members), ack.room));
      return true;
    } catch (error) {
      this.#notify("error", `Couldn't join ${room}: ${describeError(error, room)}`);
      return false;
    }
  }

  /** Leaves `room`: the server stops holding messages for you there, and this device forgets it. */
  async leave(room: string): Promise<void> {
    if (this.#client.state !== "connected") {
      this.#notify("error", `You're offline. Leave ${room} once the connection is back.`);
      return;
    }
    try {
      await this.#client.leave(room);
    } catch (error) {
      if (!(error instanceof Error && "code" in error && error.code === "NOT_IN_ROOM")) {
        this.#notify("error", `Couldn't leave ${room}: ${describeError(error, room)}`);
        return;
      }
    }
    this.#outbox.roomLeft(room);
    this.#archive.forget(room);
    this.#set(withoutRoom(this.#state, room));
  }

  /** Opens `room`. */
  select(room: string): void {
    this.#set(withActiveRoom(this.#state, room));
  }

  /** Sends `text` to the open room, now or, while offline, once the connection is back. */
  send(text: string): boolean {
    const room = this.#state.activeRoom;
    if (room === undefined || text.trim() === "") return false;
    const parsed = Text.safeParse(text);
    if (!parsed.success) {
      this.#notify("error", sentence(parsed.error.issues[0]?.message ?? "That message can't be sent."));
      return false;
    }
    this.#outbox.enqueue(room, parsed.data);
    return true;
  }

  /** Sends a failed message again. */
  retry(localId: string): void {
    this.#outbox.retry(localId);
  }

  /** Forgets a message that was not sent. */
  discard(localId: string): void {
    this.#outbox.discard(localId);
  }

  /** The person is typing in the open room: call on every keystroke (the SDK throttles, and drops it while offline). */
  typing(): void {
    const room = this.#state.activeRoom;
    if (room !== undefined && this.#state.phase === "signed-in") this.#client.typing(room);
  }

  /** Who is typing in `room` now. */
  typingIn(room: string): string[] {
    return typingIn(this.#state.typing, room, this.#now());
  }

  /** Tries to connect now rather than at the next scheduled attempt. */
  reconnect(): void {
    this.#reconnector.now();
  }

  /** The page was shown or hidden (messages arriving while it is hidden count as unread). */
  setPageVisible(visible: boolean): void {
    this.#set(withPageVisible(this.#state, visible));
    if (!visible) this.flush();
  }

  /** Writes history and the outbox now (the page is going away). */
  flush(): void {
    this.#archive.flush();
  }

  /** Hides the notice with `id`. */
  dismissNotice(id: number): void {
    if (this.#state.notice?.id === id) this.#update({ notice: undefined });
  }

  /** Closes the connection for good. */
  async dispose(): Promise<void> {
    this.#archive.close();
    this.#outbox.dispose();
    this.#reconnector.stop();
    this.#stopBridge();
    await this.#client.close();
  }

  #newClient(): PigeonClient {
    this.#stopBridge();
    const create = this.#options.createClient ?? createSdkClient;
    // The SDK is silent unless given a logger; the browser's console is where its warnings belong.
    const client = create({
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      logger: console,
      ...this.#options.clientOptions,
      url: this.#options.url,
    });
    this.#stopBridge = bridgeClient(client, {
      get: () => this.#state,
      set: (state) => {
        this.#set(state);
      },
      connectionChanged: (connection) => {
        this.#connectionChanged(client, connection);
      },
      notify: (tone, text) => {
        this.#notify(tone, text);
      },
      now: this.#now,
    });
    return client;
  }

  #connectionChanged(client: PigeonClient, connection: ChatState["connection"]): void {
    this.#update({ connection });
    if (connection === "connected") {
      this.#reconnector.stop();
      this.#reconcileRooms(client);
      this.#outbox.wake();
    } else if (connection === "disconnected" && this.#state.phase === "signed-in") {
      this.#reconnector.schedule();
    }
  }

  #newOutbox(): Outbox {
    const outbox: Outbox = new Outbox(
      {
        connected: () => this.#client.state === "connected" && this.#state.phase === "signed-in",
        send: (room, text, clientId) => this.#client.send(room, text, { clientId }),
      },
      () => {
        if (outbox !== this.#outbox) return;
        this.#update({ outbox: outbox.entries });
        this.#archive.outboxChanged(outbox.unsent);
      },
    );
    return outbox;
  }

  // After a reconnect the SDK has logged in and rejoined by itself; rooms it had to drop go.
  #reconcileRooms(client: PigeonClient): void {
    if (this.#state.phase !== "signed-in") return;
    const { state, dropped } = withMemberships(this.#state, client.rooms, (room) => client.members(room));
    for (const room of dropped) this.#archive.forget(room);
    this.#set(state);
  }

  // Connected while signed out, the sign-in screen can show the server's retention policy.
  async #connectSignedOut(): Promise<void> {
    try {
      await this.#client.connect();
    } catch {
      // The sign-in screen says the server is unreachable when the person tries to sign in.
    }
  }

  async #reconnect(): Promise<void> {
    if (this.#state.phase !== "signed-in" || this.#client.state !== "disconnected") return;
    await this.#client.connect();
  }

  async #savedNames(): Promise<string[]> {
    try {
      return await this.#options.keyStore.names();
    } catch {
      return [];
    }
  }

  #notify(tone: "error" | "info", text: string): void {
    this.#noticeId += 1;
    this.#update({ notice: { id: this.#noticeId, tone, text } });
  }

  #update(change: Partial<ChatState>): void {
    this.#set({ ...this.#state, ...change });
  }

  #set(state: ChatState): void {
    this.#cell.set(state);
    if (state.phase === "signed-in") this.#archive.roomsChanged(state.rooms);
  }
}

/** The key store profile of a name: names are unique regardless of case. */
export function profileOf(name: string): string {
  return name.toLocaleLowerCase();
}

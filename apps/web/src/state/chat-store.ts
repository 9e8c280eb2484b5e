import { createClient as createSdkClient, type ClientOptions, type KeyChangeNotice, type PigeonClient, type SafetyNumber } from "@pigeon/client";
import { decodeBase64Url, encodeBase64Url, loadOrCreateIdentity, type GroupStateStore, type KeyStore, type PinStore } from "@pigeon/crypto";
import { Name, Room as RoomName, serverOrigin, Text } from "@pigeon/protocol";
import { MemoryHistoryStore, type HistoryStore } from "../storage/history-store.js";
import { MemoryOutboxStore, type OutboxStore } from "../storage/outbox-store.js";
import { memoryVaults, type Vault } from "../storage/vault.js";
import {
  findRoom,
  initialState,
  withActiveRoom,
  keyChangeOf,
  sameName,
  withHistory,
  withKeyChange,
  withMemberships,
  withModes,
  withoutKeyChange,
  withoutRoom,
  withPageVisible,
  withPlace,
  withRoom,
  type ChatState,
} from "./chat-state.js";
import { bridgeClient } from "./client-bridge.js";
import { DeviceArchive } from "./device-archive.js";
import { describeError, sentence } from "./describe-error.js";
import { Outbox } from "./outbox.js";
import { memoryPlaceMemory, NOWHERE, type Place, type PlaceMemory } from "./place-memory.js";
import type { ProfileMemory } from "./profile-memory.js";
import { Reconnector } from "./reconnector.js";
import { StateCell } from "./state-cell.js";
import { soleTabLock, type TabLock } from "./tab-lock.js";
import { typingIn } from "./typing.js";

/** A key store that can also list the names it holds (IndexedDB's can). */
export interface NamedKeyStore extends KeyStore {
  names(): Promise<string[]>;
}

/** What a {@link ChatStore} is built from. */
export interface ChatStoreOptions {
  /** The relay's URL. */
  url: string;
  /**
   * Whether the relay is another server than the one that served this page (`?server=`). A
   * key is kept per server, so that a login signed here is only ever for that server and two
   * servers cannot link a person by their key: the page's own server keeps profiles by name,
   * another one by its origin and the name (default: the page's own).
   */
  otherServer?: boolean;
  keyStore: NamedKeyStore;
  /** Where received messages are kept on this device (default: memory, gone with the tab). */
  history?: HistoryStore;
  /** Where messages not yet accepted wait across reloads (default: memory). */
  outboxStore?: OutboxStore;
  /** Remembers the last name, so that a reload signs in again. */
  memory: ProfileMemory;
  /** Remembers each profile's room order, open room and drafts, so that a reload picks up there (default: memory). */
  places?: PlaceMemory;
  /** Each profile's encrypted rooms: group state, pinned and verified keys (default: memory). */
  vault?: (profile: string) => Vault;
  /** Lets one tab at a time use a profile (default: this store is the only one). */
  tabLock?: TabLock;
  /** Builds the SDK client (tests may wrap it). */
  createClient?: (options: ClientOptions) => PigeonClient;
  /** SDK options beyond the URL. */
  clientOptions?: Omit<ClientOptions, "url">;
  now?: () => number;
}

/** The UI renders the store's changes at most this often (ms): a few messages at a time in a busy room. */
export const RENDER_SPACING_MS = 50;

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
  readonly #cell = new StateCell<ChatState>(initialState(), { spacingMs: RENDER_SPACING_MS });
  readonly #archive: DeviceArchive;
  readonly #reconnector: Reconnector;
  readonly #vaults: (profile: string) => Vault;
  readonly #lock: TabLock;
  /** The signed-in profile's vault; undefined while signed out or after another tab took over. */
  #vault: Vault | undefined;
  #client: PigeonClient;
  #outbox: Outbox;
  #stopBridge: () => void = () => undefined;
  #noticeId = 0;
  /** The key checks, one after another (see {@link ChatStore.#checkKeys}). */
  #keyChecks: Promise<void> = Promise.resolve();
  /** How many key checks were asked for: a check applies what it read only if none came after. */
  #keyChecksAsked = 0;
  /**
   * The signed-in profile's verified marks (name to key, base64url), as the vault holds them: a
   * key change is reported at once, before any read of the vault could land, and must say
   * whether the previous key was the verified one from its first showing.
   */
  #marks = new Map<string, string>();
  readonly #places: PlaceMemory;
  /** The signed-in profile (undefined while signed out), whose place is remembered. */
  #profile: string | undefined;
  /** Where the signed-in person is, as last remembered. */
  #place: Place = NOWHERE;

  constructor(options: ChatStoreOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#archive = new DeviceArchive(options.history ?? new MemoryHistoryStore(), options.outboxStore ?? new MemoryOutboxStore());
    this.#reconnector = new Reconnector(() => this.#reconnect());
    this.#vaults = options.vault ?? memoryVaults();
    this.#lock = options.tabLock ?? soleTabLock();
    this.#places = options.places ?? memoryPlaceMemory();
    this.#lock.onTakeOver(() => this.#movedAway());
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

  /**
   * Signs in as `name` with this browser's key for it, created on first use. When another tab
   * uses the name, the state says so (phase `elsewhere`) unless `takeOver`, which asks that tab
   * to let go first.
   */
  async signIn(rawName: string, { takeOver = false }: { takeOver?: boolean } = {}): Promise<void> {
    const parsed = Name.safeParse(rawName);
    if (!parsed.success) {
      this.#update({ signInError: sentence(parsed.error.issues[0]?.message ?? "That name can't be used.") });
      return;
    }
    const name = parsed.data;
    const profile = profileOf(name, this.#options.otherServer === true ? this.#options.url : undefined);
    this.#update({ phase: "signing-in", name, signInError: undefined });
    const client = this.#client;
    if (!(await this.#lock.acquire(profile, { takeOver }))) {
      if (client === this.#client) this.#update({ phase: "elsewhere" });
      return;
    }
    if (client !== this.#client) return;
    this.#vault = this.#vaults(profile);
    this.#marks = new Map();
    try {
      const { key } = await loadOrCreateIdentity(this.#options.keyStore, profile, name);
      // What this device kept goes first; what the server held meanwhile is replayed after it.
      const kept = await this.#archive.open(profile);
      if (client !== this.#client) return;
      // The rooms in the order the person had them, the one they were in open (before the
      // login's replay, which counts what arrives in any other room as unread).
      const place = this.#places.load(profile);
      this.#set(withPlace(withHistory(this.#state, kept.rooms), place.rooms, place.active));
      this.#profile = profile;
      this.#place = place;
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
      this.#set(withModes(withPlace(state, place.rooms, place.active), (room) => client.modeOf(room)));
      this.#outbox.wake();
      void this.#checkKeys();
    } catch (error) {
      if (client !== this.#client) return;
      // Nothing of this profile stays: not its rooms, not its waiting messages (they stay stored).
      this.#archive.abandon();
      this.#outbox.dispose();
      this.#outbox = this.#newOutbox();
      this.#vault = undefined;
      this.#profile = undefined;
      this.#lock.release();
      this.#set({ ...this.#state, phase: "signed-out", signInError: describeError(error, name), rooms: [], activeRoom: undefined, outbox: [] });
    }
  }

  /** Another tab uses the name: take it over (that tab closes its connection and says so). */
  async useHere(): Promise<void> {
    const name = this.#state.name;
    if (name !== undefined) await this.signIn(name, { takeOver: true });
  }

  /**
   * Signs in as someone else instead (from the "open in another tab" screen). The remembered
   * name stays: it is the other tab's, which a reload of that tab signs in with again.
   */
  chooseAnotherName(): void {
    this.#update({ phase: "signed-out", name: undefined });
  }

  /** Signs out: the connection closes; the key and history stay in this browser for next time. */
  async signOut(): Promise<void> {
    this.#options.memory.set(undefined);
    await this.#stopSession(initialState());
    this.#lock.release();
    await this.#connectSignedOut();
  }

  // Another tab took this profile over: stop writing anything of it, then let go.
  async #movedAway(): Promise<void> {
    if (this.#vault === undefined) return;
    await this.#stopSession({ ...initialState(), phase: "elsewhere", name: this.#state.name });
  }

  // Closes the session's connection; from here on nothing it still does reaches the vault.
  async #stopSession(next: ChatState): Promise<void> {
    const old = this.#client;
    this.#vault = undefined;
    this.#profile = undefined;
    this.#archive.close();
    this.#outbox.dispose();
    this.#reconnector.stop();
    this.#client = this.#newClient();
    this.#outbox = this.#newOutbox();
    this.#set({ ...next, savedNames: this.#state.savedNames, retention: this.#state.retention, connection: this.#client.state });
    await old.close();
  }

  /**
   * Joins `room` (or opens it, if already joined). Resolves with whether it is open now. A new
   * room is created end-to-end encrypted unless `plain` (a deliberate choice, for the seed
   * tutorial's clients); an existing room is joined in its own mode, which the header shows.
   */
  async join(rawRoom: string, { plain = false, atField = false }: { plain?: boolean; atField?: boolean } = {}): Promise<boolean> {
    // Joined from the Room field, a refusal is said there (state.joinError), else in a notice.
    const refuse = (text: string): false => {
      if (atField) this.#update({ joinError: text });
      else this.#notify("error", text);
      return false;
    };
    if (atField) this.clearJoinError();
    const parsed = RoomName.safeParse(rawRoom);
    if (!parsed.success) return refuse(sentence(parsed.error.issues[0]?.message ?? "That room name can't be used."));
    const room = parsed.data;
    if (findRoom(this.#state, room) !== undefined) {
      this.select(room);
      return true;
    }
    if (this.#client.state !== "connected") return refuse(`You're offline. Join ${room} once the connection is back.`);
    const client = this.#client;
    try {
      const ack = await joinInItsMode(client, room, plain, this.#vault);
      this.#set(withModes(withActiveRoom(withRoom(this.#state, ack.room, ack.members), ack.room), (name) => client.modeOf(name)));
      void this.#checkKeys();
      return true;
    } catch (error) {
      // The member list the server sent while the SDK was in the room (before it found the
      // room's mode unacceptable, say) does not make it ours.
      if (!client.rooms.includes(room)) this.#set(withoutRoom(this.#state, room));
      return refuse(`Couldn't join ${room}: ${describeError(error, room)}`);
    }
  }

  /** The person edits the Room field: the last join's error no longer applies. */
  clearJoinError(): void {
    if (this.#state.joinError !== undefined) this.#update({ joinError: undefined });
  }

  /**
   * Leaves `room`: the server stops holding messages for you there, and this device forgets it
   * (its history, its group state, its draft; messages waiting for it are not sent). Keys of
   * people (pinned and verified) and the person's own key stay. Resolves with whether it left.
   */
  async leave(room: string): Promise<boolean> {
    if (this.#client.state !== "connected") {
      this.#notify("error", `You're offline. Leave ${room} once the connection is back.`);
      return false;
    }
    try {
      await this.#client.leave(room);
    } catch (error) {
      if (!(error instanceof Error && "code" in error && error.code === "NOT_IN_ROOM")) {
        this.#notify("error", `Couldn't leave ${room}: ${describeError(error, room)}`);
        return false;
      }
    }
    this.#outbox.roomLeft(room);
    this.#archive.forget(room);
    this.#set(withoutRoom(this.#state, room));
    this.setDraft(room, "");
    return true;
  }

  /** What was typed in `room`'s Message field and not sent (kept across reloads). */
  draft(room: string): string {
    return this.#place.drafts[room] ?? "";
  }

  /** Keeps what is typed in `room`'s Message field, as it is typed ("" when sent or cleared). */
  setDraft(room: string, text: string): void {
    if ((this.#place.drafts[room] ?? "") === text) return;
    const others = Object.entries(this.#place.drafts).filter(([other]) => other !== room);
    const drafts = Object.fromEntries(text === "" ? others : [...others, [room, text]]);
    this.#remember({ ...this.#place, drafts });
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

  /** The safety number of this identity and `name`'s current key, to compare with theirs. */
  async safetyNumber(name: string): Promise<SafetyNumber | undefined> {
    return await this.#client.safetyNumber(name);
  }

  /**
   * Marks `name`'s current key verified (the person compared safety numbers), or takes the mark
   * back. A mark holds for that key only: if the name shows another key, it is no longer verified.
   */
  async setVerified(name: string, verified: boolean): Promise<void> {
    const vault = this.#vault;
    if (vault === undefined) return;
    const key = verified ? await this.#client.keyOf(name) : undefined;
    if (key === undefined) {
      await vault.verified.delete(name);
      if (vault === this.#vault) this.#marks.delete(name);
    } else {
      await vault.verified.save(name, decodeBase64Url(key));
      if (vault === this.#vault) this.#marks.set(name, key);
      // Verifying the key now shown is also accepting it.
      if (keyChangeOf(this.#state, name)?.current === key) await this.acceptKey(name);
    }
    await this.#checkKeys();
  }

  /** Accepts `name`'s new key (after its key changed): the warning and the marks on its messages go. */
  async acceptKey(name: string): Promise<void> {
    const change = keyChangeOf(this.#state, name);
    if (change === undefined) return;
    await this.#client.trustKey(change.name, change.current);
    this.#set(withoutKeyChange(this.#state, name));
    await this.#checkKeys();
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
      mls: { ...this.#options.clientOptions?.mls, ...this.#vaultStores() },
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
      keysChanged: (notice) => {
        if (notice !== undefined) this.#keyChanged(notice);
        void this.#checkKeys();
      },
      now: this.#now,
    });
    return client;
  }

  // The SDK keeps groups and pins in the signed-in profile's vault, and only while this tab
  // owns it: what a session still writes after it stopped (another tab took over) is refused.
  #vaultStores(): { stateStore: GroupStateStore; pinStore: PinStore } {
    const current = (): Vault => {
      if (this.#vault === undefined) throw new Error("this tab no longer uses the profile");
      return this.#vault;
    };
    return {
      stateStore: {
        load: async (room) => await current().groups.load(room),
        save: async (group) => {
          await current().groups.save(group);
        },
        delete: async (room) => {
          await current().groups.delete(room);
        },
      },
      pinStore: {
        load: async (name) => await current().pins.load(name),
        save: async (name, key) => {
          await current().pins.save(name, key);
        },
      },
    };
  }

  // A key change as the SDK reported it: noted at once, so that the messages that follow it
  // are marked even before the check of every key below has run.
  #keyChanged(notice: KeyChangeNotice): void {
    // Not the state's verified set: it covers the members of our groups only, and a person who
    // was dropped and whose name came back with another key is not among them by now.
    const wasVerified = this.#marks.get(notice.name) === notice.previous || keyChangeOf(this.#state, notice.name)?.wasVerified === true;
    this.#set(withKeyChange(this.#state, { name: notice.name, previous: notice.previous, current: notice.current, rooms: [notice.room], wasVerified }));
  }

  // Compares every member's key in our groups with its pin and verified mark: a key change
  // survives a reload (the pin stays until accepted), and "verified" holds for the verified key only.
  // Checks run one at a time, and one asked for after a check started supersedes it: what that
  // check read may predate a change (a mark saved or taken back, a key accepted) and must not
  // land after, or instead of, what a check begun after the change reads. Resolves once no check
  // is pending: the state then reflects every change made before the call.
  async #checkKeys(): Promise<void> {
    const asked = ++this.#keyChecksAsked;
    const check = this.#keyChecks.then(async () => {
      if (asked === this.#keyChecksAsked) await this.#checkKeysNow(asked);
    });
    this.#keyChecks = check.catch(() => undefined);
    await check;
    // A later check this one gave way to: wait for it (and any after it) to land.
    for (let last = this.#keyChecks; ; last = this.#keyChecks) {
      await last;
      if (last === this.#keyChecks) return;
    }
  }

  async #checkKeysNow(asked: number): Promise<void> {
    const vault = this.#vault;
    const client = this.#client;
    if (vault === undefined) return;
    const names = new Map<string, string[]>();
    for (const room of this.#state.rooms) {
      for (const name of client.groupOf(room.name)?.members ?? []) {
        if (sameName(name, this.#state.name)) continue;
        names.set(name, [...(names.get(name) ?? []), room.name]);
      }
    }
    const marks = await vault.verified.all();
    const verified = new Set<string>();
    const changes: { name: string; previous: string; current: string; rooms: string[]; wasVerified: boolean }[] = [];
    for (const [name, rooms] of names) {
      const [current, pinned] = await Promise.all([client.keyOf(name), vault.pins.load(name)]);
      if (current === undefined) continue;
      const mark = marks.get(name);
      if (mark !== undefined && encodeBase64Url(mark) === current) verified.add(name);
      if (pinned !== undefined && encodeBase64Url(pinned) !== current) {
        const previous = encodeBase64Url(pinned);
        changes.push({ name, previous, current, rooms, wasVerified: mark !== undefined && encodeBase64Url(mark) === previous });
      }
    }
    if (vault !== this.#vault || client !== this.#client || asked !== this.#keyChecksAsked) return;
    this.#marks = new Map([...marks].map(([name, key]) => [name, encodeBase64Url(key)]));
    let state: ChatState = { ...this.#state, verified };
    for (const change of changes) state = withKeyChange(state, change);
    this.#set(state);
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
    this.#set(withModes(state, (room) => client.modeOf(room)));
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
    if (state.phase !== "signed-in") return;
    this.#archive.roomsChanged(state.rooms);
    const place = this.#place;
    if (state.activeRoom !== place.active || state.rooms.length !== place.rooms.length || state.rooms.some((room, index) => room.name !== place.rooms[index])) {
      this.#remember({ ...place, rooms: state.rooms.map((room) => room.name), active: state.activeRoom });
    }
  }

  // Remembers where the signed-in person is, for the next page load.
  #remember(place: Place): void {
    this.#place = place;
    if (this.#profile !== undefined) this.#places.save(this.#profile, place);
  }
}

/**
 * Joins `room` creating it encrypted (or plain, when asked); an existing plain room is joined
 * plain: the relay says which it is, and the room's header shows it.
 */
async function joinInItsMode(client: PigeonClient, room: string, plain: boolean, vault: Vault | undefined) {
  if (plain) return await client.join(room, { mode: "plain" });
  try {
    return await client.join(room, { mode: "encrypted" });
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "ROOM_NOT_ENCRYPTED")) throw error;
    // A room this device was in encrypted is never taken as plain on the server's word.
    if ((await vault?.groups.load(room)) !== undefined) throw error;
    return await client.join(room, { mode: "plain" });
  }
}

/**
 * The key store profile of a name (names are unique regardless of case) on the page's own
 * server, or on `server` when it is another one.
 *
 * @example
 * profileOf("Alice") // "alice"
 * profileOf("Alice", "https://chat.example.org") // "https://chat.example.org alice"
 */
export function profileOf(name: string, server?: string): string {
  const own = name.toLocaleLowerCase();
  return server === undefined ? own : `${serverOrigin(server)} ${own}`;
}

import { serverOrigin, type AckData, type ChatAck, type ClientEventName, type ClientPayloadInput, type Hello, type JoinAck, type LeaveAck, type LoginAck, type Member, type MlsAck, type RoomMode } from "@pigeon/protocol";
import { encodeBase64Url } from "@pigeon/crypto";
import { Encryption } from "./e2e/encryption.js";
import { EchoedSends } from "./echoed-sends.js";
import type { SafetyNumber } from "./e2e/types.js";
import { isProtocolErrorCode, PigeonError } from "./errors.js";
import {
  DEFAULT_DEDUP_WINDOW,
  DEFAULT_MAX_HELD_MESSAGES,
  DEFAULT_TIMEOUT_MS,
  type ClientEventMap,
  type ClientOptions,
  type ConnectionState,
  type JoinOptions,
  type LoginOptions,
  type Logger,
  type SendOptions,
} from "./options.js";
import { request } from "./request.js";
import { Receiver } from "./receiver.js";
import { loginPayload, resync, type LoginContext } from "./resync.js";
import { TypedEmitter } from "./typed-emitter.js";
import { SessionState } from "./session-state.js";
import { createSocket, emitWithoutReply, type RawSocket } from "./socket.js";
import { checkClientId, checkName, checkRoom, checkText, newClientId } from "./validate.js";
import { waitForState } from "./wait-for-state.js";

/** How often `send` tries a message whose answer was lost with the connection. */
const SEND_ATTEMPTS = 3;
/** The protocol version from which a relay answers a chat without an ack callback by its echo. */
const ECHO_ANSWERS_FROM = 6;
/** The first protocol version whose relays answer an `mls` message without an ack callback by its echo. */
const MLS_ECHO_ANSWERS_FROM = 7;
/** How often `send` tries a message the server refuses as RATE_LIMITED (it waits as told between tries). */
const RATE_LIMITED_ATTEMPTS = 5;
/** `send` waits out a RATE_LIMITED refusal by itself only if the server asks for at most this long. */
const MAX_RATE_LIMIT_WAIT_MS = 10_000;
/**
 * How often `send` tries a message the server refuses as UNAVAILABLE (its store away for a
 * moment: Redis restarting or failing over; nothing was stored), waiting 250 ms, then twice as
 * long each time up to 2 s: about 6 s in all.
 */
const UNAVAILABLE_ATTEMPTS = 6;
const UNAVAILABLE_FIRST_WAIT_MS = 250;
const UNAVAILABLE_MAX_WAIT_MS = 2_000;

/** The SDK sends `typing` for a room at most this often (the server relays one per 2 s). */
const TYPING_RESEND_MS = 1000;

// A library writes nothing unless asked: without a logger, what would be logged is dropped.
const SILENT: Logger = { warn: () => undefined };

/**
 * A connection to a Pigeon server. It remembers its name, identity and rooms, and after
 * socket.io reconnects it logs in and rejoins by itself before reporting `connected` again.
 * A keyed session gets each room's messages exactly once and in order, including those held
 * while it was away, and acks them in batches.
 *
 * @example
 * const client = createClient({ url: "http://localhost:3000" });
 * client.on("message", (m) => console.log(`[${m.room}] ${m.user}: ${m.message}`));
 * await client.connect();
 * await client.login("alice", { identity: key });
 * await client.join("lobby");
 * await client.send("lobby", "hello");
 */
export class PigeonClient extends TypedEmitter<ClientEventMap> {
  readonly #options: ClientOptions;
  /** What keyed logins sign as the server: the origin of the URL we were given. */
  readonly #origin: string;
  readonly #timeoutMs: number;
  readonly #logger: Logger;
  readonly #receiver: Receiver;
  readonly #encryption: Encryption;
  readonly #session = new SessionState();
  readonly #echoes = new EchoedSends(() => this.#session.name);
  #socket: RawSocket | undefined;
  #state: ConnectionState = "disconnected";
  #hello: Hello | undefined;
  #connecting: Promise<Hello> | undefined;
  #lastConnectError: Error | undefined;
  #closed = false;
  readonly #typingSent = new Map<string, number>();
  #closing: Promise<void> | undefined;

  constructor(options: ClientOptions) {
    const logger = options.logger ?? SILENT;
    super((event, error) => {
      logger.warn(`pigeon: a "${event}" listener threw`, error);
    });
    this.#options = options;
    this.#origin = serverOrigin(options.url);
    this.#logger = logger;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const closed = () => this.#closed;
    const receive = options.receive !== false;
    const maxHeld = options.maxHeldMessages ?? DEFAULT_MAX_HELD_MESSAGES;
    this.#encryption = new Encryption(options.mls ?? {}, {
      link: {
        request: (event, payload) => this.#request(event, payload),
        sendApplication: (payload) => this.#sendApplication(payload),
        logger,
        closed,
        timeoutMs: this.#timeoutMs,
      },
      receiving: receive,
      maxKept: maxHeld,
      deliver: (output) => { this.#receiver.handProcessed(output); },
      ack: (room, seq) => { this.#receiver.ackProcessed(room, seq); },
      group: (change) => { this.emit("group", change); },
      keyChanged: (notice) => { this.emit("keyChanged", notice); },
      undecryptable: (notice) => { this.emit("undecryptable", notice); },
      storage: (notice) => { this.emit("storage", notice); },
    });
    const route = (room: string, output: Parameters<Receiver["handProcessed"]>[0]) => {
      if (!this.#encryption.owns(room)) return false;
      this.#encryption.take(room, output);
      return true;
    };
    const host = { emit: this.emit.bind(this), closed, logger, route };
    this.#receiver = new Receiver(host, {
      receive,
      timeoutMs: this.#timeoutMs,
      maxHeld,
      dedupWindow: options.dedupWindow ?? DEFAULT_DEDUP_WINDOW,
      ackIntervalMs: options.ackIntervalMs,
      ackBatch: options.ackBatch,
      gapWaitMs: options.gapWaitMs,
    });
  }

  /** Where the connection stands now. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** The name logged in with, once `login` succeeded. */
  get name(): string | undefined {
    return this.#session.name;
  }

  /** How the client is logged in: `keyed` (with an identity key), `guest`, or not yet. */
  get kind(): LoginAck["kind"] | undefined {
    if (this.#session.name === undefined) return undefined;
    return this.#receiver.keyed ? "keyed" : "guest";
  }

  /** The rooms joined (and, when keyed, resumed at login), oldest first. */
  get rooms(): readonly string[] {
    return this.#session.rooms;
  }

  /** The latest `hello` from the server. */
  get hello(): Hello | undefined {
    return this.#hello;
  }

  /**
   * The latest known member list of a joined room.
   *
   * @example
   * client.members("lobby")?.filter((m) => m.online).map((m) => m.name)
   */
  members(room: string): readonly Member[] | undefined {
    return this.#session.members(room);
  }

  /**
   * Connects and resolves with the server's `hello`. Rejects with `UNREACHABLE` when no
   * connection could be made within `connectTimeoutMs`, `TIMEOUT` when the server connected
   * but did not greet in time.
   *
   * @example
   * const hello = await client.connect();
   * console.log(`server keeps state in ${hello.retention.store}`);
   */
  connect(): Promise<Hello> {
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  /**
   * Logs in under `name`. With an `identity` key the login is keyed: it signs this
   * connection's challenge, resumes the identity's rooms (listed in the ack; their held
   * messages follow as `message` events with `replayed: true`, then `caughtUp`), and is signed
   * afresh after every reconnect. The groups of resumed encrypted rooms are restored from the
   * state store (or rejoined) before it resolves. Without one it is a guest's (live messages only). Rejects
   * with `NAME_TAKEN` when another key or a guest holds the name, `UNAUTHORIZED` when the
   * server refuses the signature.
   *
   * @example
   * const { rooms } = await client.login("alice", { identity: key });
   * await client.login("visitor"); // a guest
   */
  async login(name: string, options: LoginOptions = {}): Promise<LoginAck> {
    const checked = checkName(name);
    const socket = await this.#ready();
    const challenge = this.#hello?.challenge;
    if (challenge === undefined) throw new PigeonError("BAD_RESPONSE", "no hello from the server to sign");
    this.#receiver.loggingIn(options.identity !== undefined);
    const payload = loginPayload(checked, options.identity, { origin: this.#origin, challenge });
    const data = await request(socket, "login", payload, this.#timeoutMs);
    this.#session.name = data.name;
    this.#session.identity = options.identity;
    this.#loggedIn(socket, data);
    // A room whose group could not be restored is reported, and tried again on its next entry.
    await Promise.all(data.rooms.map(({ room }) => this.#encryption.ready(room).catch((error: unknown) => { this.#report("join", PigeonError.fromUnknown(error)); })));
    return data;
  }

  /**
   * Joins a room and resolves with its mode and members. The client rejoins it after reconnects.
   * Keyed sessions join encrypted rooms by default: a new room is created encrypted, an existing
   * plain one is refused with `ROOM_NOT_ENCRYPTED` (pass `{ mode: "plain" }` to join it anyway),
   * and the promise resolves once the client is in the room's MLS group. Guests join plain rooms;
   * an encrypted one answers `E2E_REQUIRED`.
   *
   * @example
   * const { mode, members } = await client.join("lobby"); // mode: "encrypted"
   * await client.join("tutorial", { mode: "plain" });
   */
  async join(room: string, options: JoinOptions = {}): Promise<JoinAck> {
    const checked = checkRoom(room);
    const keyed = this.kind === "keyed";
    const mode: RoomMode = options.mode ?? this.#options.defaultRoomMode ?? (keyed ? "encrypted" : "plain");
    if (mode === "encrypted" && !keyed) throw new PigeonError("E2E_REQUIRED", "encrypted rooms need a keyed login (an identity key); join with mode \"plain\"");
    const wasIn = this.#session.rooms.includes(checked);
    const socket = await this.#ready();
    const data = await request(socket, "join", { room: checked, mode }, this.#timeoutMs);
    if (data.mode === "plain" && mode === "encrypted") {
      // Never a silent downgrade. A current relay refuses this join itself (ROOM_NOT_ENCRYPTED);
      // one that does not (older, or hostile) let us in: out again, unless we were in it before.
      if (!wasIn) await request(socket, "leave", { room: checked }, this.#timeoutMs).catch(() => undefined);
      throw new PigeonError("ROOM_NOT_ENCRYPTED", `${checked} is a plain room (not end-to-end encrypted); join it with mode "plain" to chat there anyway`);
    }
    this.#joined(data);
    try {
      await this.#encryption.ready(data.room);
    } catch (error) {
      if (!wasIn) await this.leave(data.room).catch(() => undefined);
      throw PigeonError.fromUnknown(error);
    }
    return data;
  }

  /**
   * A joined room's mode: `encrypted` rooms are MLS groups (messages carry `encrypted: true`).
   *
   * @example
   * if (client.modeOf("lobby") === "encrypted") showLock();
   */
  modeOf(room: string): RoomMode | undefined {
    return this.#session.modeOf(room);
  }

  /**
   * Where this client's MLS group of an encrypted room stands: its epoch and the names of its
   * members (one per leaf). Undefined for plain rooms and before the group is joined.
   *
   * @example
   * const group = client.groupOf("team"); // { epoch: 4, members: ["alice", "bob"] }
   */
  groupOf(room: string): { readonly epoch: number; readonly members: readonly string[] } | undefined {
    return this.#encryption.groupOf(room);
  }

  /**
   * The safety number of this identity and `name`'s key (the key its leaf in our groups carries,
   * else its pin): 60 digits both sides compute alike, for them to compare out of band.
   * Undefined when no key is known for `name`.
   *
   * @example
   * const number = await client.safetyNumber("bob");
   * console.log(number?.formatted);
   */
  safetyNumber(name: string): Promise<SafetyNumber | undefined> {
    return this.#encryption.safetyNumber(name);
  }

  /**
   * The key this client knows for `name` (base64url): the one its leaf in our groups carries,
   * else its pin. What a safety number is computed over; an app that lets people mark a contact
   * verified keeps this key with the mark, so that the mark holds for this key only.
   *
   * @example
   * const key = await client.keyOf("bob");
   */
  async keyOf(name: string): Promise<string | undefined> {
    const key = await this.#encryption.keyOf(name);
    return key === undefined ? undefined : encodeBase64Url(key);
  }

  /**
   * Accepts a changed key: pins `publicKey` (base64url, as `keyChanged` gives it) for `name`,
   * so it is no longer reported. Only on the user's word, after comparing safety numbers.
   *
   * @example
   * client.on("keyChanged", ({ name, current }) => confirmed(name) && client.trustKey(name, current));
   */
  trustKey(name: string, publicKey: string): Promise<void> {
    return this.#encryption.trustKey(name, publicKey);
  }

  /**
   * Leaves a room. Rejects with `NOT_IN_ROOM` when the connection is not in it.
   *
   * @example
   * await client.leave("lobby");
   */
  async leave(room: string): Promise<LeaveAck> {
    const data = await request(await this.#ready(), "leave", { room: checkRoom(room) }, this.#timeoutMs);
    this.#session.left(data.room);
    this.#receiver.left(data.room);
    await this.#encryption.left(data.room);
    return data;
  }

  /**
   * Sends `text` to a joined room; resolves once the server accepted it, with its `seq`. If
   * the connection goes before the server answers, the SDK sends it again once the session is
   * restored, under the same client id, so the server stores it once whatever happened. In an
   * encrypted room the text is encrypted for the room's MLS group: pending removals are committed
   * first, and a refusal because another member's commit came first is followed by itself.
   * Refused as RATE_LIMITED, it waits as long as the server says (up to 10 s) and tries again;
   * refused as UNAVAILABLE (the server's store away for a moment), it tries again for about 6 s.
   *
   * @example
   * const { seq } = await client.send("lobby", "hello");
   */
  async send(room: string, text: string, options: SendOptions = {}): Promise<ChatAck> {
    const clientId = checkClientId(options.clientId ?? newClientId());
    const payload = { room: checkRoom(room), text: checkText(text), clientId };
    const encrypted = this.#session.modeOf(payload.room) === "encrypted";
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (encrypted) return await this.#encryption.send(payload.room, payload.text, clientId);
        const socket = await this.#ready();
        // Answered by its echo (one frame fewer for the server) where the relay does so: a first
        // try, and a retry or an id the app chose that the relay may have seen already, whose
        // echo then comes to this connection alone; an older relay is asked for an ack.
        const echoed = (this.#hello?.protocolVersion ?? 0) >= ECHO_ANSWERS_FROM;
        if (echoed) return await this.#echoes.send(socket, payload, this.#timeoutMs);
        return await request(socket, "chat", payload, this.#timeoutMs);
      } catch (error) {
        const waitMs = this.#closed ? undefined : sendRetryWait(error, attempt, this.#state);
        if (waitMs === undefined) throw error;
        if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  /**
   * Tells the room's other members that this user is typing. Call it on every keystroke: the
   * SDK sends at most one per room every second, and it is never queued while disconnected.
   *
   * @example
   * input.addEventListener("input", () => client.typing("lobby"));
   */
  typing(room: string): void {
    const socket = this.#socket;
    const now = Date.now();
    if (this.#state !== "connected" || socket === undefined) return;
    if (now - (this.#typingSent.get(room) ?? -Infinity) < TYPING_RESEND_MS) return;
    this.#typingSent.set(room, now);
    emitWithoutReply(socket, "typing", { room });
  }

  /**
   * Closes the client for good: no more events reach the app, and later requests reject with
   * `DISCONNECTED`. Acks of messages already delivered go out first; the promise resolves
   * once the server confirmed them (at most `timeoutMs`), the connection is closed, and every
   * write of group state under way has finished (at most `timeoutMs` more), so that the process
   * may exit.
   * Calling it again returns the same promise.
   *
   * @example
   * process.on("SIGINT", () => void client.close());
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    const socket = this.#socket;
    this.#socket = undefined;
    this.#setState("disconnected");
    await this.#receiver.close(socket);
    socket?.disconnect();
    // Requests under way fail now, so what the rooms are doing ends soon, and is saved. A state
    // store that does not answer holds close() for `timeoutMs` at most.
    if (!(await settledWithin(this.#encryption.settled(), this.#timeoutMs))) {
      this.#logger.warn("pigeon: closed while a group state write was still under way");
    }
  }

  async #connect(): Promise<Hello> {
    if (this.#closed) throw new PigeonError("DISCONNECTED", "the client is closed");
    const socket = this.#socket ?? this.#createSocket();
    if (this.#state === "disconnected") {
      this.#setState("connecting");
      socket.connect();
    }
    const connectTimeoutMs = this.#options.connectTimeoutMs ?? this.#timeoutMs;
    try {
      await waitForState(this, "connected", connectTimeoutMs);
    } catch (cause) {
      const reached = socket.connected;
      const lastError = this.#lastConnectError;
      socket.disconnect();
      this.#setState("disconnected");
      if (!reached && lastError !== undefined) {
        throw new PigeonError("UNREACHABLE", `cannot reach ${this.#options.url}: ${lastError.message}`, { cause });
      }
      throw PigeonError.fromUnknown(cause);
    }
    if (this.#hello === undefined) throw new PigeonError("BAD_RESPONSE", "connected without a hello");
    return this.#hello;
  }

  // Requests wait while (re)connecting, so that nothing is sent before the session is restored.
  async #ready(): Promise<RawSocket> {
    const socket = this.#socket;
    if (this.#closed || socket === undefined || this.#state === "disconnected") {
      throw new PigeonError("DISCONNECTED", this.#closed ? "the client is closed" : "not connected; call connect() first");
    }
    if (this.#state !== "connected") await waitForState(this, "connected", this.#timeoutMs);
    return socket;
  }

  #createSocket(): RawSocket {
    const socket = createSocket(this.#options, {
      hello: (hello) => {
        this.#hello = hello;
        this.emit("hello", hello);
        void this.#restore(socket, { origin: this.#origin, challenge: hello.challenge });
      },
      // Even a send-only session takes its encrypted rooms' logs in (the receiver drops the rest).
      message: (message) => {
        this.#echoes.message(message);
        if (!this.#closed) this.#receiver.message(message);
      },
      expired: (event) => {
        if (!this.#closed) this.#receiver.expired(event);
      },
      caughtUp: (event) => {
        if (!this.#closed) this.#receiver.caughtUp(event);
      },
      receipts: (event) => {
        if (!this.#closed) this.emit("receipts", event);
      },
      typing: (event) => {
        if (!this.#closed) this.emit("typing", event);
      },
      groupStatus: (event) => {
        this.#encryption.status(event);
        if (!this.#closed) this.emit("groupStatus", event);
      },
      members: (event) => {
        this.#session.membersChanged(event);
        this.emit("members", event);
      },
      // The server sends a room's recent changes; the app always gets the whole list.
      memberChanges: (event) => {
        const members = this.#session.membersChangedBy(event);
        if (members !== undefined) this.emit("members", { room: event.room, members: [...members] });
      },
      error: (event) => {
        if (!this.#echoes.refused(event)) this.emit("error", event);
      },
      malformed: (event, reason) => {
        this.#logger.warn(`pigeon: dropped a malformed "${event}" event from the server`, reason);
      },
      connected: () => {
        this.#lastConnectError = undefined;
      },
      connectFailed: (error) => {
        this.#lastConnectError = error;
        if (!socket.active && this.#state !== "connecting") this.#setState("disconnected");
      },
      disconnected: () => {
        this.#echoes.disconnected(socket);
        this.#receiver.disconnected(socket);
        if (this.#socket !== socket) return;
        // `active` tells whether socket.io will reconnect: not after the server kicked us out.
        this.#setState(socket.active ? "reconnecting" : "disconnected");
      },
    });
    this.#socket = socket;
    return socket;
  }

  // Runs on every hello: a no-op on the first connect, the session's restoration after others.
  async #restore(socket: RawSocket, connection: LoginContext): Promise<void> {
    if (this.#session.name !== undefined) this.#receiver.loggingIn(this.#session.identity !== undefined);
    const outcome = await resync(socket, this.#session, connection, this.#timeoutMs, (login) => {
      if (this.#socket === socket) this.#loggedIn(socket, login);
    });
    // The connection may have dropped (and a newer hello started another resync) meanwhile.
    if (this.#socket !== socket || !socket.connected) return;
    if (outcome.kind === "done") {
      for (const joined of outcome.joined) {
        if (joined.mode === "plain" && this.#session.modeOf(joined.room) === "encrypted") {
          // The room started over as a plain one: never chat there unencrypted by ourselves.
          this.#logger.warn(`pigeon: ${joined.room} came back as a plain room; left it`);
          this.#session.left(joined.room);
          this.#receiver.left(joined.room);
          void this.#encryption.left(joined.room);
          emitWithoutReply(socket, "leave", { room: joined.room });
          continue;
        }
        this.#joined(joined);
      }
      for (const { room, error } of outcome.dropped) {
        this.#session.left(room);
        this.#receiver.left(room);
        this.#report("join", error);
      }
      this.#setState("connected");
      return;
    }
    this.#report(outcome.event, outcome.error);
    // A fresh connection (socket.io's backoff) may cure a transient failure; nothing cures the rest.
    if (outcome.kind === "retry") socket.io.engine.close();
    else {
      socket.disconnect();
      this.#setState("disconnected");
    }
  }

  #loggedIn(socket: RawSocket, login: LoginAck): void {
    const { identity, name } = this.#session;
    if (login.kind === "keyed" && identity !== undefined && name !== undefined) {
      this.#encryption.loggedIn(name, identity);
      for (const { room, mode, acked, incarnation } of login.rooms) {
        this.#session.resumed(room, mode);
        // Before the receiver hands on the room's replay, so that the group reads it first.
        if (mode === "encrypted") void this.#encryption.start(room, { incarnation, seq: acked, resumed: true }).catch(() => undefined);
      }
    }
    this.#receiver.loggedIn(socket, login);
  }

  #joined(join: JoinAck): void {
    this.#session.joined(join);
    if (join.mode === "encrypted" && join.incarnation !== undefined && this.#receiver.keyed) {
      const start = { incarnation: join.incarnation, seq: join.seq, resumed: this.#receiver.isMember(join.room), ...(join.group === undefined ? {} : { status: join.group }) };
      void this.#encryption.start(join.room, start).catch(() => undefined);
    }
    this.#receiver.joined(join);
  }

  // A request on the current connection, waiting while it reconnects: what encrypted rooms use.
  async #request<E extends ClientEventName>(event: E, payload: ClientPayloadInput<E>): Promise<AckData<E>> {
    return request(await this.#ready(), event, payload, this.#timeoutMs);
  }

  // An encrypted room's message: answered by its echo on a relay that does so (a repeat of the
  // client id, after a lost connection, is echoed too), else by an ack.
  async #sendApplication(payload: { room: string; message: string; clientId: string }): Promise<MlsAck> {
    const socket = await this.#ready();
    if ((this.#hello?.protocolVersion ?? 0) >= MLS_ECHO_ANSWERS_FROM) return this.#echoes.sendMls(socket, payload, this.#timeoutMs);
    return request(socket, "mls", payload, this.#timeoutMs);
  }

  #report(event: string, error: PigeonError): void {
    this.#logger.warn(`pigeon: could not restore the session after reconnecting (${event})`, error);
    // Only the protocol's codes fit the `error` event; the SDK's own (TIMEOUT, …) go to the log.
    if (isProtocolErrorCode(error.code)) this.emit("error", { event, code: error.code, message: error.message });
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.emit("state", state);
  }
}

/**
 * Creates a client; call `connect()` next.
 *
 * @example
 * const client = createClient({ url: "http://localhost:3000", timeoutMs: 5_000 });
 */
export function createClient(options: ClientOptions): PigeonClient {
  return new PigeonClient(options);
}

/** Whether `work` settled within `ms`. */
async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ms, false);
  });
  try {
    return await Promise.race([work.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * How long `send` waits before trying `attempt` + 1 after `error`, or undefined to give up: at
 * once for an answer lost with the connection (the session is being restored), as long as the
 * server says for RATE_LIMITED, growing waits for UNAVAILABLE. Every try carries the same
 * client id, so the server stores the message once.
 */
function sendRetryWait(error: unknown, attempt: number, state: ConnectionState): number | undefined {
  if (!(error instanceof PigeonError)) return undefined;
  switch (error.code) {
    case "DISCONNECTED":
      return state !== "disconnected" && attempt < SEND_ATTEMPTS ? 0 : undefined;
    case "RATE_LIMITED": {
      const waitMs = error.retryAfterMs ?? MAX_RATE_LIMIT_WAIT_MS + 1;
      return waitMs <= MAX_RATE_LIMIT_WAIT_MS && attempt < RATE_LIMITED_ATTEMPTS ? waitMs : undefined;
    }
    case "UNAVAILABLE":
      return attempt < UNAVAILABLE_ATTEMPTS ? Math.min(UNAVAILABLE_FIRST_WAIT_MS * 2 ** (attempt - 1), UNAVAILABLE_MAX_WAIT_MS) : undefined;
    default:
      return undefined;
  }
}

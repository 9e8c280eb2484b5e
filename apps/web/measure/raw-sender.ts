import { createIdentityKey, loadCipherSuite, MlsGroup, signLogin, type GroupOptions } from "@pigeon/crypto";
import { nodeCryptoProvider } from "@pigeon/crypto/node";
import type { AckData, AckResult, ChatMessage, ClientEventName, ClientPayloadInput, ClientToServerEvents, Hello, ServerToClientEvents } from "@pigeon/protocol";
import { io, type Socket } from "socket.io-client";

type RelaySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const REQUEST_TIMEOUT_MS = 30_000;
const JOIN_ATTEMPTS = 12;

/** Something that sends messages into a room during a phase. */
export interface Sender {
  readonly name: string;
  /** Does ahead of the clock what sending `texts` (in this order) needs; optional. */
  prepare?(room: string, texts: readonly string[]): Promise<void>;
  /** Sends `text`; resolves with its seq once the relay took it. */
  send(room: string, text: string): Promise<number>;
  close(): Promise<void>;
}

/** Resolves with the relay's answer to `event`, or rejects after REQUEST_TIMEOUT_MS. */
async function request<E extends ClientEventName>(socket: RelaySocket, event: E, payload: ClientPayloadInput<E>): Promise<AckResult<AckData<E>>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${event}: no answer within ${REQUEST_TIMEOUT_MS} ms`));
    }, REQUEST_TIMEOUT_MS);
  });
  try {
    const emit = socket.emitWithAck.bind(socket) as (event: E, payload: ClientPayloadInput<E>) => Promise<AckResult<AckData<E>>>;
    return await Promise.race([emit(event, payload), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The relay's `{ ok, data | error }` answer, unwrapped. */
function unwrap<T>(what: string, result: { ok: true; data: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!result.ok) throw Object.assign(new Error(`${what}: ${result.error.code} ${result.error.message}`), { code: result.error.code });
  return result.data;
}

/**
 * A room member that speaks the relay's protocol directly (socket.io, keyed login, MLS through
 * @pigeon/crypto's MlsGroup, node:crypto provider), to send at a steady rate: it encrypts a
 * phase's messages before the phase starts (`prepare`) and then only puts them on the wire.
 *
 * Why not the SDK: an SDK client saves its whole group state (ts-mls's encoding of a 100-leaf
 * tree) twice per message sent and once per batch received, so in a room of 100 one Node SDK
 * sender tops out near 25 messages/s on a core here; 50 messages/s from SDK clients would
 * take both cores from the browser being measured. The messages are the same to every
 * receiver: MLS application messages of the room's group, one sender's generations in order.
 *
 * It stays in step with the group by processing the commits it receives (members joining after
 * it, the browser among them); other members' application messages it leaves unread, and it
 * acks what it received so that the relay's receipts count it.
 */
export class RawSender implements Sender {
  readonly #socket: RelaySocket;
  readonly #group: MlsGroup;
  readonly #prepared = new Map<string, string>();
  #processing: Promise<void> = Promise.resolve();
  readonly #failures: string[] = [];
  readonly #highest = new Map<string, number>();
  readonly #ackTimer: NodeJS.Timeout;
  readonly #encryptedRoom: string;

  private constructor(
    readonly name: string,
    socket: RelaySocket,
    group: MlsGroup,
    encryptedRoom: string,
  ) {
    this.#socket = socket;
    this.#group = group;
    this.#encryptedRoom = encryptedRoom;
    socket.on("message", (message) => {
      this.#received(message);
    });
    this.#ackTimer = setInterval(() => {
      this.#ack();
    }, 500);
  }

  /**
   * Connects, logs in as `name` with a new identity key, joins the plain room and the
   * encrypted room, and joins the encrypted room's group by external commit (again with a
   * fresh GroupInfo if another commit won the epoch). The group must exist: SDK members make it.
   */
  static async join(url: string, name: string, encryptedRoom: string, plainRoom: string): Promise<RawSender> {
    const socket: RelaySocket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true });
    try {
      const hello = await new Promise<Hello>((resolve, reject) => {
        socket.once("hello", resolve);
        socket.once("connect_error", reject);
      });
      const key = createIdentityKey();
      unwrap("login", await request(socket, "login", signLogin(key, { origin: new URL(url).origin, challenge: hello.challenge, name })));
      unwrap("join", await request(socket, "join", { room: plainRoom, mode: "plain" }));
      const joined = unwrap("join", await request(socket, "join", { room: encryptedRoom, mode: "encrypted" }));
      if (joined.mode !== "encrypted") throw new Error(`${encryptedRoom} is not encrypted`);
      const options: GroupOptions = { suite: await loadCipherSuite(nodeCryptoProvider), identity: { name, key }, checkCredential: () => true };
      for (let attempt = 1; attempt <= JOIN_ATTEMPTS; attempt += 1) {
        const info = unwrap("groupInfo", await request(socket, "groupInfo", { room: encryptedRoom }));
        if (info.groupInfo === null) throw new Error(`${encryptedRoom} has no group yet: the SDK members create it`);
        const external = await MlsGroup.joinExternal(new Uint8Array(Buffer.from(info.groupInfo, "base64")), options);
        const ack = await request(socket, "mls", {
          room: encryptedRoom,
          message: Buffer.from(external.commit).toString("base64"),
          groupInfo: Buffer.from(external.groupInfo).toString("base64"),
        });
        if (ack.ok) return new RawSender(name, socket, external.group, encryptedRoom);
        if (ack.error.code !== "STALE_EPOCH") unwrap("mls", ack);
      }
      throw new Error(`${name} could not join ${encryptedRoom}'s group: other commits kept winning`);
    } catch (error) {
      socket.close();
      throw error;
    }
  }

  /** The group's epoch now (it follows commits as they arrive). */
  get epoch(): bigint {
    return this.#group.epoch;
  }

  /** Commits it could not process (it would then be out of step, and its sends refused). */
  get failures(): readonly string[] {
    return this.#failures;
  }

  /** Resolves once every commit received so far is processed. */
  async settled(): Promise<void> {
    await this.#processing;
  }

  /** Encrypts `texts` for the encrypted room, in the order they will be sent (plain rooms need nothing). */
  async prepare(room: string, texts: readonly string[]): Promise<void> {
    if (room !== this.#encryptedRoom) return;
    await this.settled();
    for (const text of texts) {
      if (this.#prepared.has(`${room}\n${text}`)) continue;
      const ciphertext = await this.#group.encrypt(new TextEncoder().encode(text));
      this.#prepared.set(`${room}\n${text}`, Buffer.from(ciphertext).toString("base64"));
    }
  }

  /** Sends `text` into `room`: as an MLS application message into the encrypted room (encrypted now unless prepared), as chat into a plain one. */
  async send(room: string, text: string): Promise<number> {
    const clientId = `m${Math.random().toString(36).slice(2, 14).padEnd(12, "0")}`;
    const key = `${room}\n${text}`;
    let message = this.#prepared.get(key);
    this.#prepared.delete(key);
    if (room !== this.#encryptedRoom) {
      return unwrap("chat", await request(this.#socket, "chat", { room, text, clientId })).seq;
    }
    message ??= Buffer.from(await this.#group.encrypt(new TextEncoder().encode(text))).toString("base64");
    return unwrap("mls", await request(this.#socket, "mls", { room, message, clientId })).seq;
  }

  async close(): Promise<void> {
    clearInterval(this.#ackTimer);
    this.#ack();
    await Promise.resolve();
    this.#socket.close();
  }

  #received(message: ChatMessage): void {
    this.#highest.set(message.room, Math.max(this.#highest.get(message.room) ?? 0, message.seq));
    if (message.room !== this.#encryptedRoom || message.mls !== "commit" || message.user === this.name) return;
    const bytes = new Uint8Array(Buffer.from(message.message, "base64"));
    this.#processing = this.#processing.then(async () => {
      if (message.epoch !== undefined && BigInt(message.epoch) !== this.#group.epoch) return;
      try {
        await this.#group.process(bytes);
      } catch (error) {
        this.#failures.push(`seq ${message.seq} by ${message.user}: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }

  #ack(): void {
    for (const [room, seq] of this.#highest) this.#socket.emit("ack", { room, seq }, () => undefined);
    this.#highest.clear();
  }
}

/** Joins `count` raw senders, one after the other (each external commit must win its epoch). */
export async function joinRawSenders(url: string, names: readonly string[], encryptedRoom: string, plainRoom: string): Promise<RawSender[]> {
  const senders: RawSender[] = [];
  try {
    for (const name of names) senders.push(await RawSender.join(url, name, encryptedRoom, plainRoom));
  } catch (error) {
    await Promise.allSettled(senders.map((sender) => sender.close()));
    throw error;
  }
  return senders;
}

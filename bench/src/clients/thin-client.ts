import WebSocket from "ws";
import { ACK_DELAY_MS, DEFAULT_ACK_BATCH, DEFAULT_ACK_INTERVAL_MS } from "@pigeon/client";
import type { RoomMode } from "@pigeon/protocol";
import {
  ackArgs,
  classifyFrame,
  CONNECT_FRAME,
  encodeEvent,
  engineUrl,
  eventPayload,
  PONG_FRAME,
  readAckId,
  scanSeq,
} from "./engine-io.js";
import { keyedLogin, type BenchIdentity } from "./identity.js";
import { clientIds } from "./payload.js";

/** Who a thin client is. */
export interface ThinClientOptions {
  readonly port: number;
  /** Unique per run: Pigeon refuses a name someone online holds. */
  readonly name: string;
  /** Log in keyed with this identity, and ack what arrives, batched like the SDK. */
  readonly identity?: BenchIdentity;
  /** How long connecting and each setup request may take. */
  readonly timeoutMs?: number;
  /** How a keyed client acks (default: as the SDK does). */
  readonly acks?: AckPolicy;
  /**
   * The loopback address to connect from (default 127.0.0.1): each source address has its own
   * ~28k ephemeral ports, so tens of thousands of connections need several.
   */
  readonly localAddress?: string;
}

/** When a keyed client sends its cumulative ack, and whether it asks for a reply. */
export interface AckPolicy {
  /** An ack goes out at once after this many messages. */
  readonly everyMessages: number;
  /** After a quiet spell, an ack waits this long for the rest of a burst. */
  readonly delayMs: number;
  /** Otherwise acks go out at most this often. */
  readonly intervalMs: number;
  /** Send the ack with an ack id (the server answers each). */
  readonly withReply: boolean;
}

/**
 * The SDK's ack batching, from the SDK itself (packages/client ack-batcher and receiver):
 * within 100 ms after a quiet spell, then at most once a second or every 100 messages, never
 * asking for a reply (the SDK asks for one only with the last ack at close).
 */
export const SDK_ACKS: AckPolicy = {
  everyMessages: DEFAULT_ACK_BATCH,
  delayMs: ACK_DELAY_MS,
  intervalMs: DEFAULT_ACK_INTERVAL_MS,
  withReply: false,
};
const DEFAULT_TIMEOUT_MS = 20_000;

/**
 * A load client: a raw `ws` socket speaking the Engine.IO v4 / Socket.IO v5 text protocol.
 * It counts the frames it receives without parsing them; setup (login, join) waits for acks.
 * In keyed mode it signs the `hello` challenge and sends cumulative `ack`s like the SDK, so
 * the server's delivery bookkeeping is part of the load.
 *
 * @example
 * const client = await ThinClient.connect({ port, name: "u1" });
 * await client.login();
 * await client.join("lobby");
 * client.chat("hello");
 */
export class ThinClient {
  /** `message` frames received (live and replayed). */
  messages = 0;
  /** Every frame received. */
  frames = 0;
  /** Bytes of every frame received. */
  bytes = 0;
  /** Bytes of the `message` frames among them. */
  messageBytes = 0;
  /** `caughtUp` frames received. */
  caughtUp = 0;
  /** Highest `seq` seen in a `message` (keyed mode only: guests never look). */
  latestSeq = 0;
  /** Called after each `message` frame is counted (for closed-loop senders). */
  onMessage: (() => void) | undefined;
  /** Called after each `caughtUp` frame. */
  onCaughtUp: (() => void) | undefined;
  closed = false;

  readonly #ws: WebSocket;
  readonly #options: ThinClientOptions;
  readonly #pending = new Map<number, (args: unknown[]) => void>();
  #nextAckId = 0;
  readonly #nextClientId = clientIds();
  #room: string | undefined;
  #sentAck = 0;
  #unacked = 0;
  #ackTimer: NodeJS.Timeout | undefined;
  #lastAckAt = -Infinity;
  #challenge: string | undefined;
  #onChallenge: ((challenge: string) => void) | undefined;

  private constructor(ws: WebSocket, options: ThinClientOptions) {
    this.#ws = ws;
    this.#options = options;
  }

  /** Opens the WebSocket and the Socket.IO session; resolves once the server says connected. */
  static connect(options: ThinClientOptions): Promise<ThinClient> {
    const ws = new WebSocket(engineUrl(options.port), {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    });
    const client = new ThinClient(ws, options);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        fail(new Error(`${options.name}: not connected within ${client.#timeoutMs} ms`));
      }, client.#timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        ws.terminate();
        reject(error);
      };
      ws.on("error", fail);
      ws.on("close", () => {
        client.closed = true;
        clearTimeout(client.#ackTimer);
        fail(new Error(`${options.name}: closed before connecting`));
      });
      const onSetupFrame = (data: Buffer) => {
        const kind = classifyFrame(data);
        if (kind === "open") ws.send(CONNECT_FRAME);
        else if (kind === "connectError") fail(new Error(`${options.name}: connect refused: ${data.toString()}`));
        else if (kind === "connect") {
          clearTimeout(timer);
          ws.off("message", onSetupFrame);
          ws.removeAllListeners("error");
          ws.on("error", () => undefined);
          ws.on("message", (frame: Buffer) => {
            client.#receive(frame);
          });
          resolve(client);
        }
      };
      ws.on("message", onSetupFrame);
    });
  }

  /** Logs in: the seed's bare name for a guest, a signed `{ name, publicKey, signature }` when keyed. */
  async login(): Promise<unknown> {
    const { identity, name } = this.#options;
    if (!identity) return this.request("login", name);
    const challenge = await this.#helloChallenge();
    return this.request("login", keyedLogin(identity, { origin: `http://127.0.0.1:${this.#options.port}`, challenge }, name));
  }

  /** Joins a room (the seed's bare string, or `{ room, mode }` to make it encrypted); later sends go there. */
  async join(room: string, mode?: RoomMode): Promise<unknown> {
    const result = await this.request("join", mode === undefined ? room : { room, mode });
    this.#room = room;
    return result;
  }

  /** Remembers the room a keyed login put this client back in (it is not joined again). */
  resumeRoom(room: string): void {
    this.#room = room;
  }

  /**
   * Sends a chat message: a guest the seed's bare string (no ack), a keyed client what the SDK
   * sends, `{ room, text, clientId }` without an ack id, answered by its own echo (protocol 6;
   * the id is as long as the SDK's, 24 hex digits).
   */
  chat(text: string): void {
    if (this.#options.identity && this.#room !== undefined) {
      this.#send(encodeEvent("chat", { room: this.#room, text, clientId: this.#nextClientId() }));
    } else {
      this.#send(encodeEvent("chat", text));
    }
  }

  /**
   * Sends an MLS application message (base64) to the joined encrypted room as the SDK does:
   * with a client id and no ack id, answered by its own echo (protocol 7).
   */
  mls(message: string): void {
    if (this.#room === undefined) return;
    this.#send(encodeEvent("mls", { room: this.#room, message, clientId: this.#nextClientId() }));
  }

  /** Emits an event with an ack id and resolves with the ack's arguments; fails on `{ ok: false }`. */
  request(event: string, payload: unknown): Promise<unknown> {
    const id = this.#takeAckId();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.#options.name}: no ack for ${event} within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#pending.set(id, (args) => {
        clearTimeout(timer);
        const [result] = args;
        if (isRefusal(result)) reject(new Error(`${this.#options.name}: ${event} refused: ${JSON.stringify(result)}`));
        else resolve(result);
      });
      this.#send(encodeEvent(event, payload, id));
    });
  }

  /**
   * Acks `seq` in the joined room now, outside the ack policy (one ack per call): with
   * `withReply`, resolves once the server has handled it (and, the connection being handled in
   * order, every ack before it).
   */
  async ackNow(seq: number, withReply = false): Promise<void> {
    if (this.#room === undefined) return;
    const payload = { room: this.#room, seq };
    if (withReply) await this.request("ack", payload);
    else this.#send(encodeEvent("ack", payload));
  }

  /** Drops the connection at once (no close handshake), like a client that went away. */
  close(): void {
    clearTimeout(this.#ackTimer);
    this.closed = true;
    this.#ws.terminate();
  }

  get #acks(): AckPolicy {
    return this.#options.acks ?? SDK_ACKS;
  }

  get #timeoutMs(): number {
    return this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  #takeAckId(): number {
    const id = this.#nextAckId;
    this.#nextAckId += 1;
    return id;
  }

  #send(frame: string): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(frame);
  }

  #receive(data: Buffer): void {
    this.frames += 1;
    this.bytes += data.length;
    switch (classifyFrame(data)) {
      case "message":
        this.messages += 1;
        this.messageBytes += data.length;
        if (this.#options.identity) this.#delivered(data);
        this.onMessage?.();
        return;
      case "ping":
        this.#send(PONG_FRAME);
        return;
      case "ack":
        this.#acked(data);
        return;
      case "caughtUp":
        this.caughtUp += 1;
        this.#flushAck();
        this.onCaughtUp?.();
        return;
      case "hello":
        this.#hello(data);
        return;
      default:
        return;
    }
  }

  #acked(data: Buffer): void {
    const id = readAckId(data);
    if (id === undefined) return;
    const settle = this.#pending.get(id);
    if (!settle) return;
    this.#pending.delete(id);
    settle(ackArgs(data));
  }

  #hello(data: Buffer): void {
    const payload = eventPayload(data);
    if (typeof payload !== "object" || payload === null || !("challenge" in payload)) return;
    const { challenge } = payload;
    if (typeof challenge !== "string") return;
    this.#challenge = challenge;
    this.#onChallenge?.(challenge);
  }

  #helloChallenge(): Promise<string> {
    if (this.#challenge !== undefined) return Promise.resolve(this.#challenge);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${this.#options.name}: no hello within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#onChallenge = (challenge) => {
        clearTimeout(timer);
        resolve(challenge);
      };
    });
  }

  // Cumulative acks, batched by the ack policy (the SDK's by default).
  #delivered(data: Buffer): void {
    const seq = scanSeq(data);
    if (seq === undefined || seq <= this.latestSeq) return;
    this.latestSeq = seq;
    this.#unacked += 1;
    if (this.#unacked >= this.#acks.everyMessages) this.#flushAck();
    else if (this.#ackTimer === undefined) {
      const { delayMs, intervalMs } = this.#acks;
      const wait = Math.max(delayMs, intervalMs - (performance.now() - this.#lastAckAt));
      this.#ackTimer = setTimeout(() => {
        this.#flushAck();
      }, wait);
    }
  }

  #flushAck(): void {
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    this.#unacked = 0;
    this.#lastAckAt = performance.now();
    if (this.#room === undefined || this.latestSeq <= this.#sentAck) return;
    this.#sentAck = this.latestSeq;
    const ackId = this.#acks.withReply ? this.#takeAckId() : undefined;
    this.#send(encodeEvent("ack", { room: this.#room, seq: this.latestSeq }, ackId));
  }
}

function isRefusal(result: unknown): boolean {
  return typeof result === "object" && result !== null && "ok" in result && result.ok === false;
}

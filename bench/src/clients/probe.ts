import type { RoomMode } from "@pigeon/protocol";
import { io, type Socket } from "socket.io-client";
import { LatencyHistogram, nowMicros } from "../measure/histogram.js";
import { keyedLogin, type BenchIdentity } from "./identity.js";
import { clientIds, scheduledMicrosOf } from "./payload.js";

interface ProbeInbound {
  hello: (hello: { challenge: string }) => void;
  message: (message: { message: string; seq?: number }) => void;
}

interface ProbeOutbound {
  login: (payload: unknown, ack: (result: unknown) => void) => void;
  join: (room: string | { room: string; mode: RoomMode }, ack: (result: unknown) => void) => void;
  chat: (payload: unknown, ack?: (result: unknown) => void) => void;
  ack: (payload: { room: string; seq: number }, ack: (result: unknown) => void) => void;
}

/** Who a probe is. */
export interface ProbeOptions {
  readonly port: number;
  readonly name: string;
  readonly identity?: BenchIdentity;
  /** When a message was scheduled (default: the time a chat text carries; see payload.ts). */
  readonly scheduledMicrosOf?: (message: string) => number | undefined;
}

const SETUP_TIMEOUT_MS = 20_000;
const ACK_EVERY_MS = 100;

/**
 * A real socket.io-client that measures latency: every `message` it receives carries its
 * scheduled send time (see payload.ts), and the probe records now minus that time in an
 * HdrHistogram. It parses every message as a real client would. Keyed probes sign the
 * challenge and ack like the SDK.
 *
 * @example
 * const probe = await Probe.connect({ port, name: "probe-1" });
 * await probe.join("lobby");
 * probe.latency.summary().p99Ms
 */
export class Probe {
  /** Where latencies go (a workload may hand each phase a fresh one). */
  latency = new LatencyHistogram();
  /** Only messages received while recording count (warm-up does not). */
  recording = true;
  messages = 0;

  readonly #socket: Socket<ProbeInbound, ProbeOutbound>;
  readonly #options: ProbeOptions;
  #room: string | undefined;
  #latestSeq = 0;
  readonly #nextClientId = clientIds();
  #ackTimer: NodeJS.Timeout | undefined;

  private constructor(socket: Socket<ProbeInbound, ProbeOutbound>, options: ProbeOptions) {
    this.#socket = socket;
    this.#options = options;
    socket.on("message", ({ message, seq }) => {
      this.messages += 1;
      const scheduled = (options.scheduledMicrosOf ?? scheduledMicrosOf)(message);
      if (this.recording && scheduled !== undefined) this.latency.recordMicros(nowMicros() - scheduled);
      if (options.identity && typeof seq === "number") this.#delivered(seq);
    });
  }

  /** Connects over WebSocket only (no polling), without reconnection, and logs in. */
  static async connect(options: ProbeOptions): Promise<Probe> {
    const socket: Socket<ProbeInbound, ProbeOutbound> = io(`http://127.0.0.1:${options.port}`, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      timeout: SETUP_TIMEOUT_MS,
    });
    const challenge = options.identity
      ? new Promise<string>((resolve) => {
          socket.once("hello", ({ challenge: value }) => {
            resolve(value);
          });
        })
      : undefined;
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("connect_error", reject);
    });
    const probe = new Probe(socket, options);
    const { identity, name } = options;
    const origin = `http://127.0.0.1:${options.port}`;
    const payload = identity && challenge ? keyedLogin(identity, { origin, challenge: await challenge }, name) : name;
    await requestWithAck((ack) => socket.emit("login", payload, ack));
    return probe;
  }

  /** Joins a room (the seed's bare string, or `{ room, mode }` for an encrypted room). */
  async join(room: string, mode?: RoomMode): Promise<void> {
    await requestWithAck((ack) => this.#socket.emit("join", mode === undefined ? room : { room, mode }, ack));
    this.#room = room;
  }

  /** Sends a chat message to the joined room (keyed: with a client id and no ack, answered by its echo, as the SDK does). */
  chat(text: string): void {
    if (this.#options.identity && this.#room !== undefined) {
      this.#socket.emit("chat", { room: this.#room, text, clientId: this.#nextClientId() });
    } else {
      this.#socket.emit("chat", text);
    }
  }

  close(): void {
    clearTimeout(this.#ackTimer);
    this.#socket.disconnect();
  }

  #delivered(seq: number): void {
    this.#latestSeq = Math.max(this.#latestSeq, seq);
    this.#ackTimer ??= setTimeout(() => {
      this.#ackTimer = undefined;
      if (this.#room !== undefined) this.#socket.emit("ack", { room: this.#room, seq: this.#latestSeq }, () => undefined);
    }, ACK_EVERY_MS);
  }
}

function requestWithAck(send: (ack: (result: unknown) => void) => void): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no ack within ${SETUP_TIMEOUT_MS} ms`));
    }, SETUP_TIMEOUT_MS);
    send((result) => {
      clearTimeout(timer);
      if (typeof result === "object" && result !== null && "ok" in result && result.ok === false) {
        reject(new Error(`refused: ${JSON.stringify(result)}`));
      } else resolve(result);
    });
  });
}

// The floods of issue 14, each a hostile client as its attacker would write it: as fast as the
// relay lets it, from 127.0.0.1, bounded in count and in time, and stopping by itself. They run
// in a process of their own (flood-main.ts) so that the probes' latency is not the flooder's
// own event loop. Every reply is classified by its error code, never parsed beyond that.
import { randomBytes } from "node:crypto";
import { Agent, get } from "node:http";
import { setImmediate as yieldToLoop, setTimeout as sleep } from "node:timers/promises";
import WebSocket from "ws";
import { classifyFrame, CONNECT_FRAME, encodeEvent, engineUrl, eventPayload, PONG_FRAME } from "./engine-io.js";
import { createIdentity, keyedLogin } from "./identity.js";

/** The line a flood process prints with its outcome, as JSON (see flood-main.ts). */
export const FLOOD_RESULT_MARK = "FLOOD_RESULT ";
/** The line a flood process prints as it begins. */
export const FLOOD_STARTED_MARK = "FLOOD_STARTED";

/** The floods, by the names reports use. */
export const FLOODS = ["chat", "badLogins", "pollingHandshakes", "idleSockets", "slowReaders", "guestRoom", "newIdentities"] as const;
export type FloodKind = (typeof FLOODS)[number];

/** What each flood does, in words (the report's first column). */
export const FLOOD_LABELS: Readonly<Record<FloodKind, string>> = {
  chat: "one connection flooding `chat`",
  badLogins: "one connection flooding wrong login signatures",
  pollingHandshakes: "engine.io polling handshakes, no login",
  idleSockets: "sockets that never log in",
  slowReaders: "readers that stop reading a busy room",
  guestRoom: "a guest flooding a room held for an absent member",
  newIdentities: "new keyed identities, one room each",
};

/** How hard a flood goes: at most `count` attempts, for at most `durationMs`. */
export interface FloodSettings {
  readonly kind: FloodKind;
  readonly port: number;
  readonly count: number;
  readonly durationMs: number;
  /** Connections at once (sockets, readers, handshakes or identities in flight). */
  readonly concurrency: number;
}

/** What a flood tried and what the relay made of it. */
export interface FloodOutcome {
  readonly kind: FloodKind;
  /** What the attempts are, plural ("chats", "handshakes", …). */
  readonly unit: string;
  readonly attempted: number;
  /** Attempts the relay carried out (a chat taken, a wrong signature checked, a session opened). */
  readonly accepted: number;
  /** Attempts refused by a limit, by error code or HTTP status. */
  readonly refused: Readonly<Record<string, number>>;
  /** A flooder that comes back after being cut off: its reconnects and logins refused, by code. */
  readonly comebacksRefused: Readonly<Record<string, number>>;
  /** Attempts with no answer: dropped with a connection the relay closed, or still queued at the end. */
  readonly unanswered: number;
  /** Connections the relay closed on the flooder. */
  readonly closedByRelay: number;
  readonly seconds: number;
  /** Anything else worth a line (e.g. slow readers cut off). */
  readonly note?: string;
}

const CONNECT_TIMEOUT_MS = 5_000;
/** How long a flood waits, once done, for answers still on their way. */
const SETTLE_MS = 1_000;
/** How much a flooder lets pile up in its own socket before it waits for the kernel. */
const HIGH_WATER_BYTES = 256 * 1024;
const FLOOD_TEXT = "x".repeat(64);
/** Texts the busy room's senders send: the protocol's longest (4,000 characters). */
const LONG_TEXT = "y".repeat(4_000);

/** Counts of one flood as it runs. */
class Tally {
  attempted = 0;
  accepted = 0;
  closedByRelay = 0;
  readonly refused: Record<string, number> = {};
  readonly comebacksRefused: Record<string, number> = {};
  refuse(code: string): void {
    this.refused[code] = (this.refused[code] ?? 0) + 1;
  }
  refuseComeback(code: string): void {
    this.comebacksRefused[code] = (this.comebacksRefused[code] ?? 0) + 1;
  }
  get answered(): number {
    return this.accepted + Object.values(this.refused).reduce((total, n) => total + n, 0);
  }
}

/**
 * A raw Engine.IO/Socket.IO connection that answers pings and hands every other frame to
 * `onFrame`; its acks are classified by the error code they carry (none: accepted).
 */
class RawConnection {
  closed = false;
  challenge: string | undefined;
  onAck: ((id: number, code: string | undefined) => void) | undefined;
  onClose: (() => void) | undefined;
  #nextId = 0;
  readonly #pending = new Map<number, (code: string | undefined) => void>();

  private constructor(readonly ws: WebSocket) {}

  /** Connects; rejects with the HTTP status ("429") when the upgrade is refused. */
  static open(port: number): Promise<RawConnection> {
    const ws = new WebSocket(engineUrl(port), { perMessageDeflate: false, skipUTF8Validation: true });
    const connection = new RawConnection(ws);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error("timeout"));
      }, CONNECT_TIMEOUT_MS);
      ws.on("unexpected-response", (_request, response) => {
        clearTimeout(timer);
        response.resume();
        ws.terminate();
        reject(new Error(String(response.statusCode)));
      });
      ws.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      ws.on("close", () => {
        clearTimeout(timer);
        const wasOpen = !connection.closed;
        connection.closed = true;
        if (wasOpen) connection.onClose?.();
        for (const settle of connection.#pending.values()) settle("CLOSED");
        connection.#pending.clear();
        reject(new Error("closed"));
      });
      ws.on("message", (data: Buffer) => {
        const kind = classifyFrame(data);
        if (kind === "open") ws.send(CONNECT_FRAME);
        else if (kind === "ping") ws.send(PONG_FRAME);
        else if (kind === "connect") {
          clearTimeout(timer);
          resolve(connection);
        } else if (kind === "hello") {
          const payload = eventPayload(data);
          if (typeof payload === "object" && payload !== null && "challenge" in payload && typeof payload.challenge === "string") {
            connection.challenge = payload.challenge;
          }
        } else if (kind === "ack") connection.#acked(data);
      });
    });
  }

  /** Sends an event with an ack id; the returned id is what `onAck` reports. */
  emit(event: string, payload: unknown): number {
    const id = this.#nextId;
    this.#nextId += 1;
    if (!this.closed) this.ws.send(encodeEvent(event, payload, id));
    return id;
  }

  /** Sends and waits for the answer's error code (undefined when accepted). */
  request(event: string, payload: unknown): Promise<string | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve("TIMEOUT");
      }, CONNECT_TIMEOUT_MS);
      const id = this.emit(event, payload);
      this.#pending.set(id, (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  /** Waits for the `hello` challenge (a keyed login needs it). */
  async helloChallenge(): Promise<string> {
    const deadline = performance.now() + CONNECT_TIMEOUT_MS;
    while (this.challenge === undefined && !this.closed && performance.now() < deadline) await sleep(2);
    if (this.challenge === undefined) throw new Error("no hello");
    return this.challenge;
  }

  get buffered(): number {
    return this.ws.bufferedAmount;
  }

  /** Stops reading: the relay's writes pile up in the kernel, then in the relay. */
  stopReading(): void {
    (this.ws as unknown as { _socket?: { pause(): void } })._socket?.pause();
  }

  close(): void {
    this.closed = true;
    this.ws.terminate();
  }

  #acked(data: Buffer): void {
    let id = 0;
    let index = 2;
    for (; index < data.length; index += 1) {
      const byte = data[index] ?? 0;
      if (byte < 0x30 || byte > 0x39) break;
      id = id * 10 + (byte - 0x30);
    }
    const code = codeIn(data);
    const settle = this.#pending.get(id);
    if (settle) {
      this.#pending.delete(id);
      settle(code);
    } else this.onAck?.(id, code);
  }
}

const CODE_FIELD = Buffer.from('"code":"');

/** The error code an ack carries (`{"ok":false,"error":{"code":"RATE_LIMITED",…}}`), or undefined. */
function codeIn(data: Buffer): string | undefined {
  const at = data.indexOf(CODE_FIELD);
  if (at === -1) return undefined;
  const start = at + CODE_FIELD.length;
  const end = data.indexOf(0x22, start);
  return data.toString("utf8", start, end === -1 ? data.length : end);
}

/** The status or error a refused connection ends with ("429", "ECONNRESET", "timeout"). */
function connectFailure(error: unknown): string {
  if (!(error instanceof Error)) return "error";
  const code = (error as NodeJS.ErrnoException).code;
  return /^\d{3}$/.test(error.message) ? `HTTP ${error.message}` : (code ?? error.message);
}

/** Sends `blast` makes before it yields to the event loop; its first round ignores the deadline. */
const BLAST_ROUND = 64;

/**
 * Sends `send()` as fast as the socket drains, until `count` attempts, the deadline, or `stop`;
 * each attempt's answer comes back through `onAck`. Its first round goes out whatever the
 * deadline: on a loaded machine, setting the connection up may take all of a short window.
 */
async function blast(connection: RawConnection, tally: Tally, count: number, deadline: number, send: () => void): Promise<void> {
  let batch = 0;
  let sent = 0;
  while (tally.attempted < count && (sent < BLAST_ROUND || performance.now() < deadline) && !connection.closed) {
    if (connection.buffered > HIGH_WATER_BYTES) {
      await sleep(1);
      continue;
    }
    send();
    tally.attempted += 1;
    sent += 1;
    batch += 1;
    if (batch >= BLAST_ROUND) {
      batch = 0;
      await yieldToLoop();
    }
  }
}

/**
 * Counts each ack of `connection` into `tally`: accepted when it carries no error code, or
 * `acceptedCode` (a wrong signature's UNAUTHORIZED: the relay did check it).
 */
function countAcks(connection: RawConnection, tally: Tally, acceptedCode?: string): void {
  connection.onAck = (_id, code) => {
    if (code === undefined || code === acceptedCode) tally.accepted += 1;
    else tally.refuse(code);
  };
  connection.onClose = () => {
    tally.closedByRelay += 1;
  };
}

/** Opens a connection, or counts the refusal (`refuse`) and returns undefined. */
async function tryOpen(port: number, refuse: (code: string) => void): Promise<RawConnection | undefined> {
  try {
    return await RawConnection.open(port);
  } catch (error) {
    refuse(connectFailure(error));
    return undefined;
  }
}

/**
 * One hostile client that keeps coming back: `session` runs on a connection until the relay
 * closes it, then a new connection (and login) takes over, until the count or time is spent.
 */
async function persistent(
  settings: FloodSettings,
  tally: Tally,
  deadline: number,
  session: (connection: RawConnection) => Promise<void>,
  acceptedCode?: string,
): Promise<void> {
  // The first session runs whatever the deadline (see `blast`).
  for (let first = true; tally.attempted < settings.count && (first || performance.now() < deadline); first = false) {
    const connection = await tryOpen(settings.port, (code) => {
      tally.refuseComeback(code);
    });
    if (connection === undefined) {
      await sleep(20);
      continue;
    }
    countAcks(connection, tally, acceptedCode);
    try {
      await session(connection);
      // Out of count or time: the answers still on their way count too.
      if (!connection.closed) await settle(tally);
    } finally {
      connection.close();
    }
    await sleep(5);
  }
}

async function chatFlood(settings: FloodSettings, tally: Tally, deadline: number): Promise<void> {
  const identity = createIdentity();
  const origin = `http://127.0.0.1:${String(settings.port)}`;
  await persistent(settings, tally, deadline, async (connection) => {
    const challenge = await connection.helloChallenge().catch(() => undefined);
    if (challenge === undefined) return;
    const login = await connection.request("login", keyedLogin(identity, { origin, challenge }, "flooder"));
    if (login !== undefined) {
      tally.refuseComeback(`login ${login}`);
      await sleep(200);
      return;
    }
    const room = "flood-chat";
    if ((await connection.request("join", room)) !== undefined) return;
    await blast(connection, tally, settings.count, deadline, () => connection.emit("chat", { room, text: FLOOD_TEXT }));
  });
}

async function badLoginFlood(settings: FloodSettings, tally: Tally, deadline: number): Promise<void> {
  const identity = createIdentity();
  const origin = `http://127.0.0.1:${String(settings.port)}`;
  const forged = randomBytes(64).toString("base64url");
  await persistent(settings, tally, deadline, async (connection) => {
    await connection.helloChallenge().catch(() => undefined);
    await blast(connection, tally, settings.count, deadline, () =>
      connection.emit("login", { name: "victim", publicKey: identity.publicKey, origin, signature: forged }),
    );
  }, "UNAUTHORIZED");
}

async function pollingFlood(settings: FloodSettings, tally: Tally, deadline: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: settings.concurrency });
  const url = `http://127.0.0.1:${String(settings.port)}/socket.io/?EIO=4&transport=polling`;
  const one = () =>
    new Promise<void>((resolve) => {
      const request = get(url, { agent }, (response) => {
        response.resume();
        response.on("end", () => {
          if (response.statusCode === 200) tally.accepted += 1;
          else tally.refuse(`HTTP ${String(response.statusCode)}`);
          resolve();
        });
      });
      request.setTimeout(CONNECT_TIMEOUT_MS, () => request.destroy(new Error("timeout")));
      request.on("error", (error) => {
        tally.refuse(connectFailure(error));
        resolve();
      });
    });
  await inRounds(settings, tally, deadline, one);
  agent.destroy();
}

async function idleSocketFlood(settings: FloodSettings, tally: Tally, deadline: number): Promise<void> {
  const open: RawConnection[] = [];
  await inRounds(settings, tally, deadline, async () => {
    const connection = await tryOpen(settings.port, (code) => {
      tally.refuse(code);
    });
    if (connection === undefined) return;
    tally.accepted += 1;
    connection.onClose = () => {
      tally.closedByRelay += 1;
    };
    open.push(connection);
  });
  // They stay open, saying nothing, until the flood's time is up.
  await sleep(Math.max(0, deadline - performance.now()));
  for (const connection of open) connection.close();
}

async function slowReaderFlood(settings: FloodSettings, tally: Tally, deadline: number): Promise<{ note: string }> {
  const room = "busy";
  const readers: RawConnection[] = [];
  for (let index = 0; index < settings.concurrency; index += 1) {
    const reader = await tryOpen(settings.port, (code) => {
      tally.refuseComeback(code);
    });
    if (reader === undefined) continue;
    await reader.request("login", `reader-${String(index)}`);
    await reader.request("join", room);
    reader.onClose = () => {
      tally.closedByRelay += 1;
    };
    reader.stopReading();
    readers.push(reader);
  }
  // Senders as many as it takes: each name may send its share per minute, each connection its burst.
  const senders = settings.concurrency;
  await Promise.all(
    Array.from({ length: senders }, async (_, index) => {
      const sender = await tryOpen(settings.port, (code) => {
        tally.refuseComeback(code);
      });
      if (sender === undefined) return;
      countAcks(sender, tally);
      await sender.request("login", `busy-sender-${String(index)}`);
      await sender.request("join", room);
      await blast(sender, tally, settings.count, deadline, () => sender.emit("chat", { room, text: LONG_TEXT }));
      await sleep(Math.max(0, deadline - performance.now()));
      // The answers still on their way count too, as in the other floods: closing first lost
      // them all on a loaded machine, where the whole window's refusals came after it.
      if (!sender.closed) await settle(tally);
      sender.close();
    }),
  );
  // A reader the relay cut off sees the end of its stream once it reads again.
  for (const reader of readers) (reader.ws as unknown as { _socket?: { resume(): void } })._socket?.resume();
  const closedBy = performance.now() + 3_000;
  while (readers.some((reader) => !reader.closed) && performance.now() < closedBy) await sleep(50);
  const cut = readers.filter((reader) => reader.closed).length;
  for (const reader of readers) reader.close();
  return { note: `${String(cut)} of ${String(readers.length)} stalled readers closed by the relay` };
}

async function guestRoomFlood(settings: FloodSettings, tally: Tally, deadline: number): Promise<void> {
  // A keyed member joins and goes away: everything sent to the room is held for it.
  const room = "held-for-absent";
  const member = await RawConnection.open(settings.port);
  const challenge = await member.helloChallenge();
  await member.request("login", keyedLogin(createIdentity(), { origin: `http://127.0.0.1:${String(settings.port)}`, challenge }, "absent"));
  await member.request("join", room);
  member.close();
  let visit = 0;
  await persistent(settings, tally, deadline, async (connection) => {
    visit += 1;
    const login = await connection.request("login", `guest-${String(visit)}`);
    const join = login === undefined ? await connection.request("join", room) : login;
    if (join !== undefined) {
      tally.refuseComeback(`login/join ${join}`);
      await sleep(200);
      return;
    }
    await blast(connection, tally, settings.count, deadline, () => connection.emit("chat", { room, text: FLOOD_TEXT }));
  });
}

async function newIdentityFlood(settings: FloodSettings, tally: Tally, deadline: number): Promise<void> {
  const origin = `http://127.0.0.1:${String(settings.port)}`;
  await inRounds(settings, tally, deadline, async () => {
    const index = tally.attempted;
    const connection = await tryOpen(settings.port, (code) => {
      tally.refuse(code);
    });
    if (connection === undefined) return;
    try {
      const challenge = await connection.helloChallenge();
      const login = await connection.request("login", keyedLogin(createIdentity(), { origin, challenge }, `new-${String(index)}`));
      const join = login === undefined ? await connection.request("join", `own-${String(index)}`) : login;
      if (join === undefined) tally.accepted += 1;
      else tally.refuse(join);
    } catch {
      tally.refuse("no hello");
    } finally {
      connection.close();
    }
  });
}

/**
 * `settings.concurrency` attempts at a time until `settings.count` or the deadline. The first
 * round goes out whatever the time: a flood cut off by its window before one attempt per
 * connection (on a loaded machine, opening a socket can take most of a short window) would
 * show nothing of what the relay does with it.
 */
async function inRounds(settings: FloodSettings, tally: Tally, deadline: number, attempt: () => Promise<void>): Promise<void> {
  const worker = async () => {
    for (let first = true; tally.attempted < settings.count && (first || performance.now() < deadline); first = false) {
      tally.attempted += 1;
      await attempt();
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
}

/** Waits a moment for answers still on their way. */
async function settle(tally: Tally): Promise<void> {
  const deadline = performance.now() + SETTLE_MS;
  while (tally.answered < tally.attempted && performance.now() < deadline) await sleep(10);
}

const UNITS: Readonly<Record<FloodKind, string>> = {
  chat: "chats",
  badLogins: "wrong signatures",
  pollingHandshakes: "handshakes",
  idleSockets: "sockets",
  slowReaders: "messages",
  guestRoom: "chats",
  newIdentities: "identities",
};

/**
 * Runs one flood to its end (its count, or its time) and says what the relay accepted and refused.
 *
 * @example
 * const outcome = await runFlood({ kind: "chat", port, count: 50_000, durationMs: 3_000, concurrency: 1 });
 */
export async function runFlood(settings: FloodSettings): Promise<FloodOutcome> {
  const tally = new Tally();
  const started = performance.now();
  const deadline = started + settings.durationMs;
  let note: string | undefined;
  switch (settings.kind) {
    case "chat":
      await chatFlood(settings, tally, deadline);
      break;
    case "badLogins":
      await badLoginFlood(settings, tally, deadline);
      break;
    case "pollingHandshakes":
      await pollingFlood(settings, tally, deadline);
      break;
    case "idleSockets":
      await idleSocketFlood(settings, tally, deadline);
      break;
    case "slowReaders":
      ({ note } = await slowReaderFlood(settings, tally, deadline));
      break;
    case "guestRoom":
      await guestRoomFlood(settings, tally, deadline);
      break;
    case "newIdentities":
      await newIdentityFlood(settings, tally, deadline);
      break;
  }
  await settle(tally);
  return {
    kind: settings.kind,
    unit: UNITS[settings.kind],
    attempted: tally.attempted,
    accepted: tally.accepted,
    refused: tally.refused,
    comebacksRefused: tally.comebacksRefused,
    unanswered: Math.max(0, tally.attempted - tally.answered),
    closedByRelay: tally.closedByRelay,
    seconds: (performance.now() - started) / 1000,
    ...(note === undefined ? {} : { note }),
  };
}

// The ceiling: a raw `ws` server that speaks just enough Engine.IO v4 / Socket.IO v5 for the
// same clients (open, connect, events, acks) and, for each chat, builds one WebSocket frame
// `42["message",{user,message}]` and writes it to every room member, the way socket.io's
// adapter writes a pre-encoded broadcast frame. No heartbeat, no validation, nothing else.
// Like Pigeon, it holds what one callback writes to a connection and sends it in one write
// (process.nextTick), so that it stays the ceiling.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { Socket } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { field, listenAddress, MAX_PACKET_BYTES } from "./settings.js";

interface FrameSender {
  sendFrame(list: readonly Buffer[], callback?: () => void): void;
}

interface FrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
}

// ws's Sender.frame (untyped in @types/ws): what socket.io's adapter calls to pre-encode.
const buildFrame = senderFrame();

const OPEN = `0${JSON.stringify({ sid: "", upgrades: [], pingInterval: 25_000, pingTimeout: 20_000, maxPayload: MAX_PACKET_BYTES })}`;
const rooms = new Map<string, Set<WebSocket>>();
const httpServer = createServer();
const wss = new WebSocketServer({ server: httpServer, path: "/socket.io/", perMessageDeflate: false, maxPayload: MAX_PACKET_BYTES });

wss.on("connection", (ws) => {
  let user = "";
  let room: string | undefined;
  ws.on("error", () => undefined);
  ws.send(OPEN);
  ws.on("message", (data: Buffer) => {
    holdWrites(ws);
    const text = data.toString();
    if (text === "40") {
      ws.send(`40{"sid":"${randomBytes(10).toString("base64url")}"}`);
      return;
    }
    if (!text.startsWith("42")) return;
    const bracket = text.indexOf("[");
    const ackId = bracket > 2 ? text.slice(2, bracket) : undefined;
    const [event, payload] = JSON.parse(text.slice(bracket)) as [string, unknown];
    if (event === "login") user = field(payload, "name");
    else if (event === "join") {
      room = field(payload, "room");
      const members = rooms.get(room) ?? new Set<WebSocket>();
      members.add(ws);
      rooms.set(room, members);
    } else if (event === "chat" && room !== undefined) {
      broadcast(room, `42${JSON.stringify(["message", { user, message: field(payload, "text") }])}`);
    }
    if (ackId !== undefined) ws.send(`43${ackId}[{"ok":true}]`);
  });
  ws.on("close", () => {
    if (room !== undefined) rooms.get(room)?.delete(ws);
  });
});

function broadcast(room: string, packet: string): void {
  const frame = buildFrame?.(Buffer.from(packet), { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false });
  for (const member of rooms.get(room) ?? []) {
    holdWrites(member);
    const sender = senderOf(member);
    if (sender && frame) sender.sendFrame(frame);
    else member.send(packet);
  }
}

let held = new Set<Socket>();

/** Corks the connection's TCP socket until this callback is done (see Pigeon's write-batching.ts). */
function holdWrites(ws: WebSocket): void {
  const tcp: unknown = Reflect.get(ws, "_socket");
  if (!(tcp instanceof Socket) || held.has(tcp)) return;
  if (held.size === 0) process.nextTick(releaseWrites);
  held.add(tcp);
  tcp.cork();
}

function releaseWrites(): void {
  const batch = held;
  held = new Set();
  for (const tcp of batch) tcp.uncork();
}

// ws's own Sender, as engine.io uses it to write socket.io's pre-encoded broadcast frames.
function senderOf(ws: WebSocket): FrameSender | undefined {
  const sender: unknown = Reflect.get(ws, "_sender");
  if (typeof sender !== "object" || sender === null) return undefined;
  return typeof Reflect.get(sender, "sendFrame") === "function" ? (sender as FrameSender) : undefined;
}

function senderFrame(): ((data: Buffer, options: FrameOptions) => Buffer[]) | undefined {
  const sender: unknown = Reflect.get(WebSocket, "Sender");
  if (typeof sender !== "function") return undefined;
  const frame: unknown = Reflect.get(sender, "frame");
  return typeof frame === "function" ? (frame.bind(sender) as (data: Buffer, options: FrameOptions) => Buffer[]) : undefined;
}

const { port, host } = listenAddress(process.env);
httpServer.listen(port, host);

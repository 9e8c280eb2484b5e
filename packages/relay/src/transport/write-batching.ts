import type { Socket as TcpSocket } from "node:net";
import type { RelayServer } from "../context.js";

/** ws's frame writer (private, long-standing; engine.io writes pre-encoded frames with it too). */
interface FrameSender {
  readonly sendFrame?: (this: FrameSender, frame: readonly Buffer[]) => void;
}

/** ws's WebSocket, as far as this reads it: its state, its frame writer, and (private, long-standing) its TCP socket. */
interface RawWebSocket {
  readonly readyState: number;
  readonly _socket?: TcpSocket | null;
  readonly _sender?: FrameSender;
}

/** What of an engine.io connection this reads: its state, its unsent packets, its transport and the WebSocket under it. */
interface EngineConnection {
  readonly readyState: string;
  readonly upgrading?: boolean;
  readonly writeBuffer: readonly unknown[];
  readonly transport: {
    readonly name: string;
    readonly writable: boolean;
    readonly socket?: RawWebSocket;
    /** With compression, ws may be deflating an earlier message that a frame must not overtake. */
    readonly opts?: { readonly perMessageDeflate?: unknown };
  };
}

/** What socket.io hands a connection to write: encoded packets, and for an adapter's broadcast the WebSocket frame made once for all. */
interface WriteOptions {
  readonly volatile?: boolean;
  readonly wsPreEncodedFrame?: readonly Buffer[];
}

/** socket.io's per-connection Client, as far as this replaces its write. */
interface EngineClient {
  readonly conn: EngineConnection;
  writeToEngine: WriteToEngine;
}

type WriteToEngine = (this: EngineClient, encodedPackets: unknown, options: WriteOptions) => void;

const WS_OPEN = 1;

/**
 * Sends what one callback writes to a WebSocket connection in one write, and a broadcast's
 * frame to each WebSocket with no per-packet machinery in between.
 *
 * ws writes each frame as soon as it is sent: one `writev` system call per frame, and those
 * calls are half of the relay's CPU under load. One read from a busy connection often holds
 * several events, and handling them sends frames to the same connections (a sender's echoes,
 * its partner's deliveries, a replay), so the first frame corks the connection's TCP socket and
 * one `process.nextTick` uncorks every socket corked meanwhile, once the callback and the
 * promise jobs it set off (the handlers, on the memory store) are done: their frames leave
 * together, in order, and nothing waits for other connections' callbacks. What is waiting
 * still counts in the socket's buffered bytes for the slow-reader guard, and closing a socket
 * uncorks it. Holding writes to the end of the event loop's turn (setImmediate), as
 * uWebSockets does, batches more under saturation but held every write behind the whole turn:
 * in a full benchmark run it raised the 1:1 p50 at half of bare socket.io's maximum rate from
 * 1.7 to 8.1 ms.
 *
 * It hooks engine.io's server-wide `flush` event, which fires as engine.io hands a
 * connection's packets to its transport, so an idle connection carries no listener of its
 * own. Long-polling connections answer each poll with one response already.
 *
 * A broadcast (socket.io's adapter encodes it once, WebSocket frame and all) skips engine.io's
 * per-packet path on its way to an open WebSocket with nothing queued before it: engine.io
 * would make a packet object, queue it, emit six events and take a write callback for it, for
 * each recipient. Anything else (a connection with packets still queued in engine.io, a
 * transport busy with a write, long polling, an upgrade, a volatile packet, compression, which
 * engine.io does not pre-encode for either) goes the usual way, so frames never overtake each other.
 *
 * @example
 * batchWrites(io);
 */
export function batchWrites(io: RelayServer): void {
  let corked = new Set<TcpSocket>();
  const uncorkAll = (): void => {
    // A write finishing as it is uncorked can flush that connection again: that starts a new batch.
    const batch = corked;
    corked = new Set();
    for (const tcp of batch) tcp.uncork();
  };
  const cork = (tcp: TcpSocket): void => {
    if (corked.has(tcp)) return;
    if (corked.size === 0) process.nextTick(uncorkAll);
    corked.add(tcp);
    tcp.cork();
  };
  io.engine.on("flush", (connection: EngineConnection) => {
    const { transport } = connection;
    if (transport.name !== "websocket") return;
    const tcp = transport.socket?._socket;
    if (tcp) cork(tcp);
  });

  const writeToEngine: WriteToEngine = function (encodedPackets, options) {
    const frame = options.wsPreEncodedFrame;
    const { conn } = this;
    const { transport } = conn;
    const ws = transport.socket;
    const tcp = ws?._socket;
    const sender = ws?._sender;
    if (
      frame === undefined ||
      options.volatile === true ||
      conn.readyState !== "open" ||
      conn.upgrading === true ||
      conn.writeBuffer.length > 0 ||
      transport.name !== "websocket" ||
      !transport.writable ||
      Boolean(transport.opts?.perMessageDeflate) ||
      ws?.readyState !== WS_OPEN ||
      !tcp ||
      sender?.sendFrame === undefined
    ) {
      // socket.io's own write, on its Client prototype: what every other write goes through.
      (Object.getPrototypeOf(this) as EngineClient).writeToEngine.call(this, encodedPackets, options);
      return;
    }
    cork(tcp);
    sender.sendFrame(frame);
  };
  io.on("connection", (socket) => {
    (socket.client as unknown as EngineClient).writeToEngine = writeToEngine;
  });
}

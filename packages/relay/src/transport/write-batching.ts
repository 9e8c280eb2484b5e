import type { Socket as TcpSocket } from "node:net";
import type { RelayServer } from "../context.js";

/** What of an engine.io connection this reads: its transport, and the WebSocket under it. */
interface EngineConnection {
  readonly transport: {
    readonly name: string;
    /** ws's WebSocket, whose (private, long-standing) `_socket` is the TCP socket. */
    readonly socket?: { readonly _socket?: TcpSocket | null };
  };
}

/**
 * Sends what one turn of the event loop writes to a WebSocket connection in one write.
 *
 * ws writes each frame as soon as it is sent: one `writev` system call per frame, and those
 * calls are half of the relay's CPU under load. A busy relay often sends one connection
 * several frames in one turn (a room's messages arriving together, a sender's echoes and
 * receipts), so the first frame of a turn corks the connection's TCP socket and one
 * `setImmediate` uncorks every socket corked in the turn, after the turn's I/O callbacks:
 * all of a connection's frames leave together, in order. Nothing waits longer than the turn
 * that wrote it (a pending immediate keeps the loop from blocking for I/O), what is waiting
 * still counts in the socket's buffered bytes for the slow-reader guard, and closing a socket
 * uncorks it. uWebSockets, the fastest WebSocket servers, cork the same way, per loop turn.
 *
 * It hooks engine.io's server-wide `flush` event, which fires as engine.io hands a
 * connection's packets to its transport, so an idle connection carries no listener of its
 * own. Long-polling connections answer each poll with one response already.
 *
 * @example
 * batchWritesPerTurn(io);
 */
export function batchWritesPerTurn(io: RelayServer): void {
  let corked = new Set<TcpSocket>();
  const uncorkAll = (): void => {
    // A write finishing as it is uncorked can flush that connection again: that is the next turn's.
    const turn = corked;
    corked = new Set();
    for (const tcp of turn) tcp.uncork();
  };
  io.engine.on("flush", (connection: EngineConnection) => {
    const { transport } = connection;
    if (transport.name !== "websocket") return;
    const tcp = transport.socket?._socket;
    if (!tcp || corked.has(tcp)) return;
    if (corked.size === 0) setImmediate(uncorkAll);
    corked.add(tcp);
    tcp.cork();
  });
}

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
 * Sends what one callback writes to a WebSocket connection in one write.
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
  io.engine.on("flush", (connection: EngineConnection) => {
    const { transport } = connection;
    if (transport.name !== "websocket") return;
    const tcp = transport.socket?._socket;
    if (!tcp || corked.has(tcp)) return;
    if (corked.size === 0) process.nextTick(uncorkAll);
    corked.add(tcp);
    tcp.cork();
  });
}

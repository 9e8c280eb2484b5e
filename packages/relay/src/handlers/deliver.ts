import type { ChatMessage } from "@pigeon/protocol";
import type { RelayServer, RelaySocket } from "../context.js";

/**
 * Broadcasts a new message to its room, sender included. Sent without an ack callback, the
 * sender's copy is its answer (protocol 6), so it goes straight to the sender's socket and the
 * broadcast to everyone else: with several nodes, socket.io's Redis adapter delivers even on
 * this node only once Redis has taken its publish, and a Redis that stops answering must not
 * hold back the answer (an ack never waited for it).
 *
 * @example
 * deliver(io, socket, room, message, acked);
 */
export function deliver(io: RelayServer, socket: RelaySocket, room: string, message: ChatMessage, acked: boolean): void {
  if (acked) {
    io.to(room).emit("message", message);
    return;
  }
  socket.emit("message", message);
  socket.to(room).emit("message", message);
}

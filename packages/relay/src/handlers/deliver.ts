import type { ChatMessage } from "@pigeon/protocol";
import type { RelayContext, RelaySocket } from "../context.js";

/**
 * Broadcasts a new message to its room, sender included. Sent without an ack callback, the
 * sender's copy is its answer (protocol 6). With the Redis store, socket.io's Redis adapter
 * delivers, even on this node, only once Redis has taken its publish, and a Redis that stops
 * answering must not hold back the answer (an ack never waited for it): there the sender's copy
 * goes straight to its socket, and the broadcast to everyone else. On the memory store a
 * broadcast is delivered at once, in one encoding for all.
 *
 * @example
 * deliver(context, socket, room, message, acked);
 */
export function deliver({ io, config }: RelayContext, socket: RelaySocket, room: string, message: ChatMessage, acked: boolean): void {
  if (acked || config.store !== "redis") {
    io.to(room).emit("message", message);
    return;
  }
  socket.emit("message", message);
  socket.to(room).emit("message", message);
}

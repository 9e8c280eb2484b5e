import type { TestServer } from "./test-server.js";
import type { DeliveredMessage, PigeonClient } from "@pigeon/client";

/** Every message a client hands to the app, per room, in the order handed. */
export function recordByRoom(client: PigeonClient, into = new Map<string, DeliveredMessage[]>()): Map<string, DeliveredMessage[]> {
  client.on("message", (message) => {
    const list = into.get(message.room) ?? [];
    list.push(message);
    into.set(message.room, list);
  });
  return into;
}

/** `[1, 2, …, n]`. */
export const seqsUpTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/**
 * Kills a logged-in user's connection the way a network failure does: the TCP socket is
 * destroyed under the websocket, with no close handshake at either level.
 */
export function severConnection(server: TestServer, name: string): void {
  const socket = [...server.relay.io.sockets.sockets.values()].find((s) => s.data.name === name);
  if (socket === undefined) throw new Error(`${name} is not connected`);
  const transport: unknown = socket.conn.transport;
  const ws = transport !== null && typeof transport === "object" && "socket" in transport ? transport.socket : undefined;
  if (ws === null || typeof ws !== "object" || !("terminate" in ws) || typeof ws.terminate !== "function") {
    throw new Error(`${name}'s transport is not a websocket`);
  }
  // ws's terminate() destroys the TCP socket at once, without a close frame.
  (ws.terminate as () => void).call(ws);
}

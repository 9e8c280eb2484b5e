import type { AckData, ClientEventName, ClientPayloadInput } from "@pigeon/protocol";
import { PigeonError } from "./errors.js";
import { ackParsers } from "./parsers.js";
import type { RawSocket } from "./socket.js";

/**
 * Emits `event` and waits for its ack, at most `timeoutMs`. Resolves with the ack's data,
 * parsed with the protocol's schema; rejects with a PigeonError carrying the server's code,
 * or TIMEOUT, DISCONNECTED or BAD_RESPONSE.
 */
export async function request<E extends ClientEventName>(
  socket: RawSocket,
  event: E,
  payload: ClientPayloadInput<E>,
  timeoutMs: number,
): Promise<AckData<E>> {
  const name: ClientEventName = event;
  let raw: unknown;
  try {
    raw = await socket.timeout(timeoutMs).emitWithAck(name, payload);
  } catch (cause) {
    // socket.io rejects both when the timer runs out and when the connection drops (an ack
    // can no longer come); which one it was is told by the socket's state now.
    if (!socket.connected) {
      throw new PigeonError("DISCONNECTED", `${event}: the connection was lost before the server answered`, { cause });
    }
    throw new PigeonError("TIMEOUT", `${event}: no answer from the server within ${timeoutMs} ms`, { cause });
  }
  const result = ackParsers[event].safeParse(raw);
  if (!result.success) {
    throw new PigeonError("BAD_RESPONSE", `${event}: the server's answer does not match the protocol (${result.error.message})`);
  }
  if (!result.data.ok) throw PigeonError.fromRefusal(result.data.error);
  return result.data.data;
}

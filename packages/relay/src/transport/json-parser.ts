import { Decoder, Encoder, PacketType, type Packet } from "socket.io-parser";

/**
 * socket.io's encoder for a relay that sends only JSON: each packet becomes the one text frame
 * socket.io's own encoder makes of a packet without binary (type, namespace, ack id, JSON
 * data), without first walking the data for binary attachments, which no Pigeon event has (the
 * protocol's payloads are strings and numbers; MLS bytes travel as base64). That walk and the
 * two `debug` calls around each packet were about 3 % of the relay's CPU at the keyed 1:1
 * maximum, where every message and every receipt is encoded.
 */
class JsonEncoder extends Encoder {
  override encode(packet: Packet): string[] {
    // Only socket.io's own encoder makes binary packets; handed one, it knows what to do.
    if (packet.type === PacketType.BINARY_EVENT || packet.type === PacketType.BINARY_ACK) return super.encode(packet) as string[];
    return [encodeText(packet)];
  }
}

/**
 * The parser the relay's socket.io server uses: the JSON-only encoder above, and socket.io's
 * decoder (a client may still send binary, which the handlers refuse with a typed error).
 *
 * @example
 * new Server(httpServer, { parser: jsonParser });
 */
export const jsonParser = { Encoder: JsonEncoder, Decoder };

/** A packet as socket.io-parser's `encodeAsString` writes one without attachments. */
export function encodeText(packet: Packet): string {
  const { type, nsp, id } = packet;
  const data: unknown = packet.data;
  let text = String(type);
  if (nsp && nsp !== "/") text += `${nsp},`;
  if (id !== undefined) text += String(id);
  if (data !== undefined && data !== null) text += JSON.stringify(data);
  return text;
}

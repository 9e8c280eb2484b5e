import fc from "fast-check";
import { Encoder, PacketType, type Packet } from "socket.io-parser";
import { describe, expect, it } from "vitest";
import { jsonParser } from "./json-parser.js";

// The relay's encoder must write exactly what socket.io's writes for every packet it sends,
// or clients (socket.io's, and third parties' parsers of the same format) would misread it.
const packet: fc.Arbitrary<Packet> = fc.record(
  {
    type: fc.constantFrom(PacketType.CONNECT, PacketType.DISCONNECT, PacketType.EVENT, PacketType.ACK, PacketType.CONNECT_ERROR),
    nsp: fc.constantFrom("/", "/admin", ""),
    id: fc.nat(),
    data: fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue()), fc.constant(undefined)),
  },
  { requiredKeys: ["type", "nsp"] },
);

describe("jsonParser", () => {
  const ours = new jsonParser.Encoder();
  const theirs = new Encoder();

  it("encodes every packet without binary as socket.io's encoder does", () => {
    fc.assert(
      fc.property(packet, (input) => {
        expect(ours.encode(input)).toEqual(theirs.encode(input));
      }),
      { numRuns: 2_000 },
    );
  });

  it("encodes a Pigeon message as one text frame", () => {
    const message = { user: "alice", message: "hi \u{1F600} \"quoted\"", room: "lobby", id: "AAAAAAAAAAAAAAAA", seq: 1, incarnation: "x", sentAt: 1 };
    expect(ours.encode({ type: PacketType.EVENT, nsp: "/", data: ["message", message] })).toEqual([`2${JSON.stringify(["message", message])}`]);
    expect(ours.encode({ type: PacketType.ACK, nsp: "/", id: 7, data: [{ ok: true }] })).toEqual(['37[{"ok":true}]']);
  });

  it("leaves a binary packet to socket.io's encoder", () => {
    const binary = { type: PacketType.BINARY_EVENT, nsp: "/", data: ["blob", Buffer.from([1, 2])] };
    expect(ours.encode(binary)).toEqual(theirs.encode(binary));
  });
});

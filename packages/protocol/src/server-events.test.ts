import { describe, expect, it } from "vitest";
import { AckResult, ErrorEvent } from "./errors.js";
import { ChatAck } from "./client-events.js";
import { ChatMessage, Hello } from "./server-events.js";

const message = { user: "alice", message: "hi", room: "test", id: "m1", seq: 1, incarnation: "i1", sentAt: 1_700_000_000_000 };

describe("server events", () => {
  it("keeps fields a newer server adds, so old clients survive new ones", () => {
    expect(ChatMessage.parse({ ...message, reactions: [] })).toMatchObject({ reactions: [] });
  });

  it("rejects a message without the seed's user and message fields", () => {
    expect(ChatMessage.safeParse({ ...message, user: undefined }).success).toBe(false);
    expect(ChatMessage.safeParse({ ...message, seq: 0 }).success).toBe(false);
  });

  it("rejects a message whose seq does not say which run of the room's seqs it belongs to", () => {
    expect(ChatMessage.safeParse({ ...message, incarnation: undefined }).success).toBe(false);
    expect(ChatMessage.safeParse({ ...message, incarnation: "" }).success).toBe(false);
  });

  it("rejects a hello without a challenge", () => {
    const hello = {
      protocolVersion: 1,
      serverId: "n1",
      limits: { maxNameLength: 1, maxRoomLength: 1, maxTextLength: 1, maxRoomsPerConnection: 1, maxPacketBytes: 1 },
      retention: { store: "memory", messageTtlMs: 1, memberTtlMs: 1, maxRoomEntries: 1, maxRoomBytes: 1 },
    };
    expect(Hello.safeParse(hello).success).toBe(false);
    expect(Hello.safeParse({ ...hello, challenge: "c" }).success).toBe(true);
  });

  it("parses both arms of an ack and refuses unknown error codes", () => {
    const ChatResult = AckResult(ChatAck);
    expect(ChatResult.parse({ ok: true, data: { room: "r", id: "i", seq: 3, incarnation: "i1", sentAt: 0 } }).ok).toBe(true);
    expect(ChatResult.parse({ ok: false, error: { code: "NOT_IN_ROOM", message: "join first" } }).ok).toBe(false);
    expect(ChatResult.safeParse({ ok: false, error: { code: "NOPE", message: "" } }).success).toBe(false);
    expect(ErrorEvent.safeParse({ event: "chat", code: "BAD_REQUEST", message: "x" }).success).toBe(true);
  });
});

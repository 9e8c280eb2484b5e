import { describe, expect, it } from "vitest";
import {
  AckPayload,
  ChatPayload,
  CreateGroupPayload,
  GroupInfoAck,
  GroupInfoPayload,
  JoinAck,
  JoinPayload,
  LoginPayload,
  Membership,
  MlsAck,
  MlsPayload,
  quickAckPayload,
  quickChatPayload,
} from "./client-events.js";
import { MAX_MLS_BYTES, MAX_NAME_LENGTH, MAX_ROOM_LENGTH, MAX_TEXT_LENGTH } from "./limits.js";

describe("LoginPayload", () => {
  it("accepts the seed's bare name and the object form, giving one shape", () => {
    expect(LoginPayload.parse("alice")).toEqual({ name: "alice" });
    expect(LoginPayload.parse({ name: " alice " })).toEqual({ name: "alice" });
  });

  it.each([
    ["an empty name", ""],
    ["a blank name", "   "],
    ["a number", 42],
    ["null", null],
    ["an array", ["alice"]],
    ["a name over the limit", "a".repeat(MAX_NAME_LENGTH + 1)],
    ["a control character", "ali\u0000ce"],
    ["a leading symbol", "*alice"],
    ["unknown keys", { name: "alice", admin: true }],
    ["a nested object", { name: { name: "alice" } }],
  ])("rejects %s", (_label, input) => {
    expect(LoginPayload.safeParse(input).success).toBe(false);
  });
});

describe("LoginPayload, keyed", () => {
  const publicKey = "A".repeat(43);
  const signature = "b".repeat(86);
  const origin = "https://chat.example.org";

  it("accepts a name with a public key, the server's origin and a signature", () => {
    expect(LoginPayload.parse({ name: "alice", publicKey, origin, signature })).toEqual({ name: "alice", publicKey, origin, signature });
    expect(LoginPayload.parse({ name: "alice", publicKey, origin: "http://[::1]:3000", signature }).origin).toBe("http://[::1]:3000");
  });

  it.each([
    ["a key without a signature", { name: "alice", publicKey }],
    ["a signature without a key", { name: "alice", signature }],
    ["a short key", { name: "alice", publicKey: "A".repeat(42), origin, signature }],
    ["a key with padding", { name: "alice", publicKey: `${"A".repeat(42)}=`, origin, signature }],
    ["a long signature", { name: "alice", publicKey, origin, signature: "b".repeat(87) }],
    ["a signature without the server's origin (protocol 4)", { name: "alice", publicKey, signature }],
    ["an origin with a path", { name: "alice", publicKey, origin: `${origin}/chat`, signature }],
    ["an origin not as URL serializes it", { name: "alice", publicKey, origin: "HTTPS://Chat.Example.org:443", signature }],
    ["an origin of another scheme", { name: "alice", publicKey, origin: "ws://chat.example.org", signature }],
    ["an origin that is no URL", { name: "alice", publicKey, origin: "chat.example.org", signature }],
  ])("rejects %s", (_label, input) => {
    expect(LoginPayload.safeParse(input).success).toBe(false);
  });
});

describe("AckPayload", () => {
  it("takes a room and a non-negative integer seq, nothing else", () => {
    expect(AckPayload.parse({ room: "lobby", seq: 3 })).toEqual({ room: "lobby", seq: 3 });
    expect(AckPayload.safeParse({ room: "lobby", seq: -1 }).success).toBe(false);
    expect(AckPayload.safeParse({ room: "lobby", seq: 1.5 }).success).toBe(false);
    expect(AckPayload.safeParse({ room: "lobby", seq: 1, extra: 1 }).success).toBe(false);
  });
});

describe("JoinPayload", () => {
  it("accepts a bare room and { room }", () => {
    expect(JoinPayload.parse("test")).toEqual({ room: "test" });
    expect(JoinPayload.parse({ room: "dev-ops.2" })).toEqual({ room: "dev-ops.2" });
  });

  it.each([
    ["a room with spaces", "two words"],
    ["a room over the limit", "r".repeat(MAX_ROOM_LENGTH + 1)],
    ["a missing room", {}],
    ["unknown keys", { room: "test", extra: 1 }],
  ])("rejects %s", (_label, input) => {
    expect(JoinPayload.safeParse(input).success).toBe(false);
  });
});

describe("quickChatPayload", () => {
  it("takes the forms clients send as ChatPayload does", () => {
    expect(quickChatPayload("hello")).toBe("hello");
    expect(quickChatPayload({ room: " lobby ", text: "  hi  " })).toStrictEqual({ room: "lobby", text: "  hi  " });
    const clientId = "3f1b7c2e-9d4a-4c1e-8b2a-1f0e9d8c7b6a";
    expect(quickChatPayload({ room: "ロビー", text: "hi", clientId })).toStrictEqual({ room: "ロビー", text: "hi", clientId });
    expect(quickChatPayload("x".repeat(MAX_TEXT_LENGTH))).toBe("x".repeat(MAX_TEXT_LENGTH));
  });

  it.each([
    ["empty text", ""],
    ["text too long", "x".repeat(MAX_TEXT_LENGTH + 1)],
    ["no text", { room: "lobby" }],
    ["a blank room", { room: "  ", text: "hi" }],
    ["a room with a space", { room: "a b", text: "hi" }],
    ["a room too long", { room: "r".repeat(MAX_ROOM_LENGTH + 1), text: "hi" }],
    ["a short clientId", { room: "lobby", text: "hi", clientId: "short" }],
    ["an unknown key", { room: "lobby", text: "hi", extra: 1 }],
    ["an own __proto__", JSON.parse('{"room":"lobby","text":"hi","__proto__":{"x":1}}') as unknown],
    ["an array", ["hi"]],
    ["a null prototype", Object.assign(Object.create(null) as object, { room: "lobby", text: "hi" })],
  ])("leaves %s to ChatPayload", (_, input) => {
    expect(quickChatPayload(input)).toBeUndefined();
  });
});

describe("quickAckPayload", () => {
  it("takes the form clients send as AckPayload does", () => {
    expect(quickAckPayload({ room: " lobby ", seq: 7 })).toStrictEqual({ room: "lobby", seq: 7 });
    expect(quickAckPayload({ seq: 0, room: "ロビー" })).toStrictEqual({ room: "ロビー", seq: 0 });
    expect(quickAckPayload({ room: "lobby", seq: Number.MAX_SAFE_INTEGER })).toStrictEqual({ room: "lobby", seq: Number.MAX_SAFE_INTEGER });
  });

  it.each([
    ["a negative seq", { room: "lobby", seq: -1 }],
    ["a fractional seq", { room: "lobby", seq: 1.5 }],
    ["a seq past the safe integers", { room: "lobby", seq: 2 ** 53 }],
    ["a seq as a string", { room: "lobby", seq: "7" }],
    ["no seq", { room: "lobby" }],
    ["no room", { seq: 7 }],
    ["a room with a space", { room: "a b", seq: 7 }],
    ["an unknown key", { room: "lobby", seq: 7, extra: 1 }],
    ["an own __proto__", JSON.parse('{"room":"lobby","seq":7,"__proto__":{"x":1}}') as unknown],
    ["a bare number", 7],
    ["a null prototype", Object.assign(Object.create(null) as object, { room: "lobby", seq: 7 })],
  ])("leaves %s to AckPayload", (_, input) => {
    expect(quickAckPayload(input)).toBeUndefined();
  });
});

describe("ChatPayload", () => {
  it("takes a bare text as meant for the last joined room", () => {
    expect(ChatPayload.parse("hello")).toBe("hello");
  });

  it("keeps text exactly as typed in the object form", () => {
    expect(ChatPayload.parse({ room: "test", text: "  hi  " })).toEqual({ room: "test", text: "  hi  " });
  });

  it("accepts text at the limit and rejects one character more", () => {
    expect(ChatPayload.safeParse("x".repeat(MAX_TEXT_LENGTH)).success).toBe(true);
    const tooLong = ChatPayload.safeParse("x".repeat(MAX_TEXT_LENGTH + 1));
    expect(tooLong.success).toBe(false);
    expect(tooLong.error?.issues[0]?.code).toBe("too_big");
  });

  it.each([
    ["empty text", ""],
    ["text without a room in object form", { text: "hi" }],
    ["a number as text", { room: "test", text: 5 }],
    ["unknown keys", { room: "test", text: "hi", user: "mallory" }],
    ["a client id too short", { room: "test", text: "hi", clientId: "abc" }],
    ["a client id with other characters", { room: "test", text: "hi", clientId: "not a valid id!" }],
    ["a client id too long", { room: "test", text: "hi", clientId: "x".repeat(65) }],
  ])("rejects %s", (_label, input) => {
    expect(ChatPayload.safeParse(input).success).toBe(false);
  });

  it("takes a client id for the message, a UUID for one", () => {
    const clientId = "0b9f1c3e-8d4a-4f6b-9a27-5c1d2e3f4a5b";
    expect(ChatPayload.parse({ room: "test", text: "hi", clientId })).toEqual({ room: "test", text: "hi", clientId });
  });
});

describe("JoinPayload, with a mode", () => {
  it("takes the mode to create the room with, and leaves it out when absent", () => {
    expect(JoinPayload.parse({ room: "team", mode: "encrypted" })).toEqual({ room: "team", mode: "encrypted" });
    expect(JoinPayload.parse({ room: "team" })).toEqual({ room: "team" });
    expect(JoinPayload.parse("team")).toEqual({ room: "team" });
  });

  it.each([
    ["an unknown mode", { room: "team", mode: "secret" }],
    ["a mode that is not a string", { room: "team", mode: true }],
  ])("rejects %s", (_label, input) => {
    expect(JoinPayload.safeParse(input).success).toBe(false);
  });
});

describe("MlsPayload", () => {
  const message = Buffer.from([0, 1, 0, 1, 2, 3]).toString("base64");

  it("accepts a message with and without a GroupInfo and a client id", () => {
    expect(MlsPayload.parse({ room: "team", message })).toEqual({ room: "team", message });
    expect(MlsPayload.parse({ room: "team", message, groupInfo: message, clientId: "abcdefgh" })).toEqual({
      room: "team",
      message,
      groupInfo: message,
      clientId: "abcdefgh",
    });
  });

  it("accepts a message of exactly the largest size", () => {
    const largest = Buffer.alloc(MAX_MLS_BYTES).toString("base64");
    expect(MlsPayload.safeParse({ room: "team", message: largest }).success).toBe(true);
  });

  it.each([
    ["an empty message", { room: "team", message: "" }],
    ["base64url", { room: "team", message: "ab-_ab-_" }],
    ["text that is not base64", { room: "team", message: "hello world" }],
    ["a message over the limit", { room: "team", message: Buffer.alloc(MAX_MLS_BYTES + 3).toString("base64") }],
    ["a message that is not a string", { room: "team", message: [1, 2, 3] }],
    ["a claimed epoch", { room: "team", message, epoch: 3 }],
    ["a claimed kind", { room: "team", message, kind: "commit" }],
    ["no room", { message }],
  ])("rejects %s", (_label, input) => {
    expect(MlsPayload.safeParse(input).success).toBe(false);
  });
});

describe("CreateGroupPayload and GroupInfoPayload", () => {
  it("take a room, and a GroupInfo to create with", () => {
    const groupInfo = Buffer.from("group").toString("base64");
    expect(CreateGroupPayload.parse({ room: "team", groupInfo })).toEqual({ room: "team", groupInfo });
    expect(GroupInfoPayload.parse({ room: "team" })).toEqual({ room: "team" });
  });

  it.each([
    ["createGroup without a GroupInfo", CreateGroupPayload, { room: "team" }],
    ["createGroup with a null GroupInfo", CreateGroupPayload, { room: "team", groupInfo: null }],
    ["groupInfo with extra keys", GroupInfoPayload, { room: "team", epoch: 1 }],
  ])("reject %s", (_label, schema, input) => {
    expect(schema.safeParse(input).success).toBe(false);
  });
});

describe("acks of encrypted rooms", () => {
  it("default a missing mode to plain, so an older server reads as before", () => {
    expect(JoinAck.parse({ room: "lobby", members: [] }).mode).toBe("plain");
    expect(Membership.parse({ room: "lobby", acked: 0, incarnation: "Yq3vS0b1" }).mode).toBe("plain");
  });

  it("carry the group's status", () => {
    const ack = JoinAck.parse({ room: "team", mode: "encrypted", members: [], group: { epoch: 4, pending: [{ leaf: 2, name: "carol" }] } });
    expect(ack.group).toEqual({ epoch: 4, pending: [{ leaf: 2, name: "carol" }] });
    expect(GroupInfoAck.parse({ room: "team", groupInfo: null, epoch: null, pending: [], seq: 0, incarnation: "Yq3vS0b1" }).epoch).toBeNull();
    expect(MlsAck.parse({ room: "team", id: "x", seq: 5, incarnation: "Yq3vS0b1", sentAt: 1, kind: "commit", epoch: 5 }).kind).toBe("commit");
  });
});

import { describe, expect, it } from "vitest";
import { clockTime, formatJson, formatMembers, formatMessage, printable } from "./format.js";

const message = { user: "alice", message: "hi", room: "lobby", id: "m1", seq: 3, sentAt: new Date(2026, 0, 2, 9, 5).getTime() };

describe("format", () => {
  it("shows a message as local HH:MM, room, sender and text", () => {
    expect(clockTime(message.sentAt)).toBe("09:05");
    expect(formatMessage(message)).toBe("09:05 [lobby] alice: hi");
  });

  it("replaces control characters from the network so they cannot drive the terminal", () => {
    expect(printable("a\u001b[2Jb\u0007c\td")).toBe("a\uFFFD[2Jb\uFFFDc\td");
    expect(formatMessage({ ...message, user: "eve\r" })).toBe("09:05 [lobby] eve\uFFFD: hi");
  });

  it("prints JSON with the documented fields first and keeps fields a newer server adds", () => {
    const line = formatJson({ ...message, edited: true });
    expect(Object.keys(JSON.parse(line) as object)).toEqual(["room", "user", "message", "seq", "sentAt", "id", "edited"]);
  });

  it("lists members with their online state", () => {
    expect(formatMembers([{ name: "alice", online: true }, { name: "bob", online: false }])).toBe("alice (online), bob (offline)");
    expect(formatMembers([])).toBe("nobody");
  });
});

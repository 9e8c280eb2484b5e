import { describe, expect, it } from "vitest";
import {
  clockTime,
  formatExpired,
  formatGroupChange,
  formatJson,
  formatKeyChanged,
  formatMembers,
  formatMessage,
  formatReceipts,
  formatUndecryptable,
  modeLabel,
  printable,
} from "./format.js";

const message = { user: "alice", message: "hi", room: "lobby", id: "m1", seq: 3, incarnation: "i1", sentAt: new Date(2026, 0, 2, 9, 5).getTime() };

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
    expect(Object.keys(JSON.parse(line) as object)).toEqual(["room", "user", "message", "seq", "incarnation", "sentAt", "id", "edited"]);
  });

  it("lists members with their online state", () => {
    expect(formatMembers([{ name: "alice", online: true }, { name: "bob", online: false }])).toBe("alice (online), bob (offline)");
    expect(formatMembers([])).toBe("nobody");
  });

  it("marks a message that arrived while you were away, in text and JSON", () => {
    expect(formatMessage({ ...message, replayed: true })).toBe("09:05 [lobby] alice: hi  (while you were away)");
    expect(JSON.parse(formatJson({ ...message, replayed: true }))).toMatchObject({ replayed: true });
    expect(JSON.parse(formatJson({ ...message, replayed: false }))).not.toHaveProperty("replayed");
  });

  it("describes a gap with its count, its seqs and why", () => {
    expect(formatExpired({ room: "lobby", from: 4, to: 15, reason: "ttl" })).toBe("[lobby] 12 messages (seq 4-15) expired before you got them");
    expect(formatExpired({ room: "lobby", from: 4, to: 4, reason: "unspecified" })).toBe("[lobby] 1 message (seq 4) expired before you got it");
    expect(formatExpired({ room: "lobby", from: 2, to: 3, reason: "quota" })).toBe("[lobby] 2 messages (seq 2-3) were dropped by the room's quota before you got them");
    expect(formatExpired({ room: "lobby", from: 2, to: 2, reason: "lost" })).toBe("[lobby] 1 message (seq 2) never arrived (the server skipped it)");
  });

  it("coalesces receipts into one line per run of seqs in the same state, skipping the unconfirmed", () => {
    const receipt = (seq: number, delivered: number, deleted = false) => ({ seq, id: `m${seq}`, delivered, total: 2, deleted });
    const lines = formatReceipts("lobby", [receipt(5, 2, true), receipt(3, 2, true), receipt(4, 2, true), receipt(6, 1), receipt(7, 1), receipt(8, 0)]);
    expect(lines).toEqual(["[lobby] seq 3-5: delivered to all, deleted from the server", "[lobby] seq 6-7: delivered to 1/2"]);
    expect(formatReceipts("lobby", [{ seq: 1, id: "m1", delivered: 0, total: 0, deleted: true }])).toEqual([
      "[lobby] seq 1: nobody else to deliver to; deleted from the server",
    ]);
  });
});

describe("format, encrypted rooms", () => {
  it("names a room's mode", () => {
    expect(modeLabel("encrypted")).toBe("end-to-end encrypted");
    expect(modeLabel("plain")).toBe("plain: the server can read it");
  });

  it("makes a key change a block of warning lines that names the person and what to do", () => {
    const lines = formatKeyChanged({ room: "lobby", name: "bob\u001b", previous: "A".repeat(43), current: "B".repeat(43) });
    expect(lines.filter((line) => line.startsWith("!!!"))).toHaveLength(4);
    expect(lines.join("\n")).toContain("!!! WARNING: bob\uFFFD's key has changed (room lobby) !!!");
    expect(lines.join("\n")).toContain(`It was ${"A".repeat(12)}, it is now ${"B".repeat(12)}.`);
    expect(lines.join("\n")).toContain("/verify bob");
  });

  it("tells who joined and left a group, leaving out yourself", () => {
    const change = { room: "lobby", epoch: 3, members: ["alice", "carol"], joined: ["carol", "alice"], removed: ["bob"], cause: "commit" as const };
    expect(formatGroupChange(change, "alice")).toEqual(["[lobby] carol joined the encrypted group", "[lobby] bob was removed from the encrypted group"]);
    expect(formatGroupChange({ ...change, cause: "joined" }, "alice")).toEqual(["[lobby] you joined the encrypted group (2 members)"]);
  });

  it("says how many messages could not be read, which, and why", () => {
    expect(formatUndecryptable({ room: "lobby", from: 4, to: 9, count: 3, reason: "lost-state" })).toBe(
      "[lobby] 3 messages (seq 4-9) could not be decrypted: sent while your encryption state was lost; you rejoined the group",
    );
    expect(formatUndecryptable({ room: "lobby", from: 4, to: 4, reason: "forged" })).toBe(
      "[lobby] some messages (seq 4) could not be decrypted: the sender was not who the server claimed; not shown",
    );
  });

  it("keeps `encrypted` in JSON lines", () => {
    expect(JSON.parse(formatJson({ ...message, replayed: false, encrypted: true }))).toMatchObject({ encrypted: true });
  });
});

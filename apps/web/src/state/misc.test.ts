import { PigeonError } from "@pigeon/client";
import { describe, expect, it } from "vitest";
import { describeError, sentence } from "./describe-error.js";
import { gapText } from "./gap-text.js";
import { ownStatus, statusDetail, statusLabel } from "./own-status.js";
import { formatDuration, retentionDetails, retentionSummary } from "./retention.js";
import { nextTypingExpiry, noteTyping, stopTyping, TYPING_SHOWN_MS, typingIn, typingLabel } from "./typing.js";
import type { OutboxEntry } from "./outbox.js";

const entry = (state: OutboxEntry["state"]): OutboxEntry => ({
  localId: "l",
  room: "lobby",
  text: "t",
  createdAt: 0,
  state,
  ack: undefined,
  error: state === "failed" ? "refused" : undefined,
  uncertain: false,
});

describe("own message status", () => {
  it("goes sending, sent, delivered to k of n, delivered to all", () => {
    expect(statusLabel(ownStatus(entry("queued"), undefined, false) ?? { kind: "accepted" })).toBe("Sending…");
    expect(ownStatus(entry("queued"), undefined, false)).toEqual({ kind: "sending", waiting: true });
    expect(ownStatus(entry("sending"), undefined, true)).toEqual({ kind: "sending", waiting: false });
    expect(ownStatus(entry("accepted"), undefined, true)).toEqual({ kind: "accepted" });
    const partial = ownStatus(entry("accepted"), { seq: 1, id: "x", delivered: 1, total: 3, deleted: false }, true);
    expect(partial && statusLabel(partial)).toBe("Delivered to 1 of 3");
    const all = ownStatus(undefined, { seq: 1, id: "x", delivered: 3, total: 3, deleted: true }, true);
    expect(all && statusLabel(all)).toBe("Delivered to all");
    expect(ownStatus(entry("failed"), undefined, true)).toEqual({ kind: "failed", reason: "refused" });
    expect(ownStatus(undefined, undefined, true)).toBeUndefined();
    expect(statusDetail({ kind: "sending", waiting: true })).toContain("Offline");
  });
});

describe("retention", () => {
  const retention = { store: "memory", messageTtlMs: 14 * 86_400_000, memberTtlMs: 86_400_000, maxRoomEntries: 10_000, maxRoomBytes: 16 * 1024 * 1024 } as const;

  it("says what the server keeps in the words of the issue", () => {
    expect(retentionSummary(retention)).toBe("Messages are deleted from the server once delivered; undelivered ones are kept 14 days.");
    expect(retentionDetails(retention)[0]).toBe("A room holds at most 10,000 messages (16 MiB) for people who are away, each sender at most half of it; past that the sender's own oldest go first.");
    expect(retentionDetails(retention)[1]).toContain("1 day");
    expect(retentionDetails({ ...retention, store: "redis" })[2]).toContain("survive a restart");
  });

  it("writes durations in the largest unit that fits", () => {
    expect(formatDuration(3_600_000)).toBe("1 hour");
    expect(formatDuration(90 * 60_000)).toBe("90 minutes");
    expect(formatDuration(2_500)).toBe("3 seconds");
    expect(formatDuration(36 * 3_600_000)).toBe("36 hours");
  });
});

describe("typing", () => {
  it("shows who types until their notice runs out or their message arrives", () => {
    let state = noteTyping(new Map(), "lobby", "bob", 0);
    state = noteTyping(state, "lobby", "carol", 1_000);
    expect(typingIn(state, "lobby", 500)).toEqual(["bob", "carol"]);
    expect(typingIn(state, "lobby", TYPING_SHOWN_MS + 1)).toEqual(["carol"]);
    expect(nextTypingExpiry(state, 0)).toBe(TYPING_SHOWN_MS);
    expect(typingIn(stopTyping(state, "lobby", "carol"), "lobby", 500)).toEqual(["bob"]);
    expect(typingIn(state, "design", 0)).toEqual([]);
  });

  it("says it in a line", () => {
    expect(typingLabel([])).toBe("");
    expect(typingLabel(["bob"])).toBe("bob is typing…");
    expect(typingLabel(["bob", "carol"])).toBe("bob and carol are typing…");
    expect(typingLabel(["bob", "carol", "dan", "eve"])).toBe("bob, carol and 2 more are typing…");
  });
});

describe("gap text", () => {
  it("says how many messages will not come, and why", () => {
    expect(gapText({ from: 4, to: 15, reason: "ttl" })).toBe("12 messages expired on the server before you got them.");
    expect(gapText({ from: 4, to: 4, reason: "quota" })).toBe("1 message was dropped by the room's limit before you got it.");
    expect(gapText({ from: 1, to: 2, reason: "lost" })).toBe("2 messages could not be delivered to you.");
    expect(gapText({ from: 1, to: 2, reason: "unspecified" })).toBe("2 messages were deleted from the server before you got them.");
    expect(gapText({ from: 0, to: 0, reason: "restarted" })).toMatch(/^This room started over on the server/);
  });

  it("says 'up to' in encrypted rooms, whose log also holds group changes", () => {
    expect(gapText({ from: 3, to: 5, reason: "unspecified" }, true)).toBe("Up to 3 messages were deleted from the server before you got them.");
  });

  it("says how many messages of an encrypted room could not be read, and why, never a blank", () => {
    const lost = gapText({ from: 3, to: 9, reason: "undecryptable", why: "lost-state", count: 2 });
    expect(lost).toMatch(/^2 messages couldn't be decrypted: this device's keys for the room had fallen behind/u);
    expect(gapText({ from: 3, to: 3, reason: "undecryptable", why: "before-join", count: 1 })).toBe(
      "1 message was sent before you joined the encrypted group, so it was not encrypted for you.",
    );
    expect(gapText({ from: 3, to: 9, reason: "undecryptable", why: "forged" })).toMatch(/^Some messages were rejected/u);
    for (const why of ["unreadable", "not-encrypted", "own-not-kept", "not-kept"] as const) {
      expect(gapText({ from: 1, to: 1, reason: "undecryptable", why, count: 1 })).toMatch(/^1 message /u);
    }
  });
});

describe("error words", () => {
  it("turns codes into sentences for people", () => {
    expect(describeError(new PigeonError("NAME_TAKEN", "taken"), "alice")).toBe("Someone else is using the name alice. Pick another one.");
    expect(describeError(new Error("boom"))).toBe("boom");
    expect(describeError(new PigeonError("RATE_LIMITED", "too many", { retryAfterMs: 4_200 }))).toMatch(/Try again in 5 s\.$/u);
    expect(describeError(new PigeonError("ROOM_NOT_ENCRYPTED", "plain"), "team")).toMatch(/^team was end-to-end encrypted on this device/u);
    expect(sentence("room must not be empty")).toBe("Room must not be empty.");
    expect(sentence("Done!")).toBe("Done!");
  });
});

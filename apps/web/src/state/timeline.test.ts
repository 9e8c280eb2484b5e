import type { DeliveredMessage } from "@pigeon/client";
import { describe, expect, it } from "vitest";
import type { OutboxEntry } from "./outbox.js";
import { addGap, addMessage, createRoom, markRead, type Room } from "./room.js";
import { timeline, type TimelineItem } from "./timeline.js";

function message(seq: number, user: string, text = `m${seq}`, replayed = false): DeliveredMessage {
  return { user, message: text, room: "lobby", id: `id-${seq}`, seq, incarnation: "i1", sentAt: 10_000 + seq, replayed, encrypted: false };
}

function entry(text: string, change: Partial<OutboxEntry> = {}): OutboxEntry {
  return { localId: `local-${text}`, room: "lobby", text, createdAt: 10_000, state: "queued", ack: undefined, error: undefined, uncertain: false, ...change };
}

function describeItems(items: TimelineItem[]): string[] {
  return items.map((item) => {
    switch (item.kind) {
      case "message":
        return `${item.continued ? "  " : ""}${item.message.user}: ${item.message.text}${item.status ? ` [${item.status.kind}]` : ""}`;
      case "pending":
        return `${item.continued ? "  " : ""}pending: ${item.entry.text}${item.status ? ` [${item.status.kind}]` : ""}`;
      case "gap":
        return `gap ${item.gap.from}-${item.gap.to}`;
      case "divider":
        return `-- ${item.label}`;
      case "day":
        return `== ${new Date(item.at).toDateString()}`;
    }
  });
}

const none = { outbox: [], receipts: new Map(), connected: true };
const DAY_ONE = `== ${new Date(10_000).toDateString()}`;

describe("timeline", () => {
  it("puts a line before the first unread message and before each run of messages held while away", () => {
    let room: Room = createRoom("lobby");
    room = addMessage(room, message(1, "bob", "m1", true), { own: false, seen: true });
    room = addMessage(room, message(2, "bob", "m2", true), { own: false, seen: true });
    room = addGap(room, { room: "lobby", from: 3, to: 4, reason: "ttl" });
    room = addMessage(room, message(5, "bob"), { own: false, seen: false });
    room = markRead(room);
    expect(describeItems(timeline(room, none))).toEqual([
      DAY_ONE,
      "-- While you were away",
      "bob: m1",
      "  bob: m2",
      "gap 3-4",
      "-- New messages",
      "bob: m5",
    ]);
  });

  it("shows own messages typed here with their status, and those not back from the server yet last", () => {
    let room: Room = createRoom("lobby");
    room = addMessage(room, message(1, "alice", "hello"), { own: true, seen: true });
    const accepted = entry("hello", { state: "accepted", ack: { room: "lobby", id: "id-1", seq: 1, sentAt: 10_001 } });
    const waiting = entry("later");
    const receipts = new Map([["id-1", { seq: 1, id: "id-1", delivered: 1, total: 2, deleted: false }]]);
    expect(describeItems(timeline(room, { outbox: [accepted, waiting], receipts, connected: false }))).toEqual([
      DAY_ONE,
      "alice: hello [delivered]",
      "  pending: later [sending]",
    ]);
  });

  it("shows a message once while its echo has come back but its ack has not, matched by its client id", () => {
    let room = addMessage(createRoom("lobby"), { ...message(1, "alice", "hello"), clientId: "local-hello" }, { own: true, seen: true });
    // The same text sent from another device is another message, not this entry's echo.
    room = addMessage(room, message(2, "alice", "hello"), { own: true, seen: true });
    const sending = entry("hello", { state: "sending" });
    const items = timeline(room, { ...none, outbox: [sending] });
    expect(describeItems(items)).toEqual([DAY_ONE, "alice: hello [sending]", "  alice: hello"]);
    expect(items[1]).toMatchObject({ localId: "local-hello" });
  });

  it("shows own messages sent elsewhere without a status until a receipt comes", () => {
    const room = addMessage(createRoom("lobby"), message(1, "alice"), { own: true, seen: true });
    expect(describeItems(timeline(room, none))).toEqual([DAY_ONE, "alice: m1"]);
  });

  it("groups a sender's messages within the same minute, and starts a new group for another sender, minute or line", () => {
    const at = (seq: number, ms: number) => ({ ...message(seq, seq === 3 ? "carol" : "bob"), sentAt: ms });
    let room: Room = createRoom("lobby");
    room = addMessage(room, at(1, 60_000), { own: false, seen: true });
    room = addMessage(room, at(2, 119_999), { own: false, seen: true });
    room = addMessage(room, at(3, 119_999), { own: false, seen: true });
    room = addMessage(room, at(4, 119_999), { own: false, seen: true });
    room = addMessage(room, at(5, 120_000), { own: false, seen: true });
    room = addMessage(room, at(6, 120_001), { own: false, seen: false });
    expect(describeItems(timeline(room, none))).toEqual([DAY_ONE, "bob: m1", "  bob: m2", "carol: m3", "bob: m4", "bob: m5", "-- New messages", "bob: m6"]);
  });

  it("puts a line at the start of each day, before the other lines of that message", () => {
    const day = 86_400_000;
    const days = [new Date(2026, 11, 4, 23, 59).getTime(), new Date(2026, 11, 5, 0, 1).getTime(), new Date(2026, 11, 5, 9).getTime()];
    let room: Room = createRoom("lobby");
    room = addMessage(room, { ...message(1, "bob"), sentAt: days[0] ?? 0 }, { own: false, seen: true });
    room = addMessage(room, { ...message(2, "bob"), sentAt: days[1] ?? 0 }, { own: false, seen: false });
    room = addMessage(room, { ...message(3, "bob"), sentAt: days[2] ?? 0 }, { own: false, seen: false });
    const later = entry("later", { createdAt: (days[2] ?? 0) + day });
    expect(describeItems(timeline(markRead(room), { ...none, outbox: [later] }))).toEqual([
      `== ${new Date(days[0] ?? 0).toDateString()}`,
      "bob: m1",
      `== ${new Date(days[1] ?? 0).toDateString()}`,
      "-- New messages",
      "bob: m2",
      "bob: m3",
      `== ${new Date((days[2] ?? 0) + day).toDateString()}`,
      "pending: later [sending]",
    ]);
  });

  it("says 'Delivered to all' under the latest own message only, and keeps every other status", () => {
    let room: Room = createRoom("lobby");
    for (const seq of [1, 2, 3, 4]) room = addMessage(room, message(seq, "alice"), { own: true, seen: true });
    room = addMessage(room, message(5, "bob"), { own: false, seen: true });
    const receipt = (seq: number, delivered: number) => [`id-${seq}`, { seq, id: `id-${seq}`, delivered, total: 1, deleted: delivered === 1 }] as const;
    const receipts = new Map([receipt(1, 1), receipt(2, 0), receipt(3, 1), receipt(4, 1)]);
    const failed = entry("refused", { state: "failed", error: "too big" });
    expect(describeItems(timeline(room, { ...none, receipts }))).toEqual([
      DAY_ONE,
      "alice: m1",
      "  alice: m2 [delivered]",
      "  alice: m3",
      "  alice: m4 [delivered-all]",
      "bob: m5",
    ]);
    // A later own message, even one that failed, is the latest.
    expect(describeItems(timeline(room, { ...none, receipts, outbox: [failed] })).slice(-2)).toEqual(["bob: m5", "pending: refused [failed]"]);
    expect(describeItems(timeline(room, { ...none, receipts, outbox: [failed] }))).toContain("  alice: m4");
  });
});

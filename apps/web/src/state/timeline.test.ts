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
        return `${item.message.user}: ${item.message.text}${item.status ? ` [${item.status.kind}]` : ""}`;
      case "pending":
        return `pending: ${item.entry.text} [${item.status.kind}]`;
      case "gap":
        return `gap ${item.gap.from}-${item.gap.to}`;
      case "divider":
        return `-- ${item.label}`;
    }
  });
}

const none = { outbox: [], receipts: new Map(), connected: true };

describe("timeline", () => {
  it("puts a line before the first unread message and before each run of messages held while away", () => {
    let room: Room = createRoom("lobby");
    room = addMessage(room, message(1, "bob", "m1", true), { own: false, seen: true });
    room = addMessage(room, message(2, "bob", "m2", true), { own: false, seen: true });
    room = addGap(room, { room: "lobby", from: 3, to: 4, reason: "ttl" });
    room = addMessage(room, message(5, "bob"), { own: false, seen: false });
    room = markRead(room);
    expect(describeItems(timeline(room, none))).toEqual(["-- While you were away", "bob: m1", "bob: m2", "gap 3-4", "-- New messages", "bob: m5"]);
  });

  it("shows own messages typed here with their status, and those not back from the server yet last", () => {
    let room: Room = createRoom("lobby");
    room = addMessage(room, message(1, "alice", "hello"), { own: true, seen: true });
    const accepted = entry("hello", { state: "accepted", ack: { room: "lobby", id: "id-1", seq: 1, sentAt: 10_001 } });
    const waiting = entry("later");
    const receipts = new Map([["id-1", { seq: 1, id: "id-1", delivered: 1, total: 2, deleted: false }]]);
    expect(describeItems(timeline(room, { outbox: [accepted, waiting], receipts, connected: false }))).toEqual([
      "alice: hello [delivered]",
      "pending: later [sending]",
    ]);
  });

  it("shows a message once while its echo has come back but its ack has not, matched by its client id", () => {
    let room = addMessage(createRoom("lobby"), { ...message(1, "alice", "hello"), clientId: "local-hello" }, { own: true, seen: true });
    // The same text sent from another device is another message, not this entry's echo.
    room = addMessage(room, message(2, "alice", "hello"), { own: true, seen: true });
    const sending = entry("hello", { state: "sending" });
    const items = timeline(room, { ...none, outbox: [sending] });
    expect(describeItems(items)).toEqual(["alice: hello [sending]", "alice: hello"]);
    expect(items[0]).toMatchObject({ localId: "local-hello" });
  });

  it("shows own messages sent elsewhere without a status until a receipt comes", () => {
    const room = addMessage(createRoom("lobby"), message(1, "alice"), { own: true, seen: true });
    expect(describeItems(timeline(room, none))).toEqual(["alice: m1"]);
  });
});
